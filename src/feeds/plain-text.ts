/**
 * Plain text as HTML whose text is exactly it: escaped, so that turning the HTML back into text keeps
 * "Vec<String>" and "AT&amp;T" as written, with a blank line between paragraphs kept as one.
 */
export function plainTextAsHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n{2,}/g, '<p>');
}
