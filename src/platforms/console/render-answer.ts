import type { Answer } from '../../../commands/index.ts';
import { relativeTime, sourceCount } from '../../format.ts';
import type { Marked } from '../../search/snippet.ts';
import { resultBody } from '../message-text.ts';
import { terminalText } from './terminal-text.ts';

/**
 * An answer as plain text for a terminal, with nothing a terminal would act on; matched terms are shown
 * «like this». `more` turns the next page's query into the command that fetches it.
 */
export function renderAnswer(answer: Answer, options: { now?: Date; more?: (next: string) => string } = {}): string {
  return terminalText(render(answer, options));
}

function render(answer: Answer, options: { now?: Date; more?: (next: string) => string }): string {
  const now = options.now ?? new Date();
  const more = options.more ?? ((next: string) => `/ainews ${next}`);
  switch (answer.kind) {
    case 'error':
      return `error: ${answer.message}${answer.usage ? `\nusage: ${answer.usage}` : ''}`;
    case 'notice':
      return [...(answer.heading ? [answer.heading] : []), ...answer.lines, ...(answer.warnings ?? []).map((w) => `warning: ${w}`)].join('\n');
    case 'chart':
      return [answer.heading, ...answer.lines.map((line) => `  ${line}`)].join('\n');
    case 'list':
      return [answer.heading, ...(answer.rows.length ? answer.rows.map((row) => `  ${row}`) : [`  ${answer.empty}`])].join('\n');
    case 'results': {
      const blocks = answer.results.map((r) => {
        const meta = [r.source, sourceCount(r.sourceCount), relativeTime(r.publishedAt, now), `#${r.id}`].filter(Boolean).join(' · ');
        const shown = resultBody(r);
        const snippet = 'marked' in shown ? marked(shown.marked) : shown.summary;
        return [`${marked(r.title)}`, `   ${meta}`, ...(snippet ? [`   ${snippet}`] : []), ...(r.url ? [`   ${r.url}`] : [])].join('\n');
      });
      return [answer.heading, ...blocks, ...(answer.more ? [`more: ${more(answer.more)}`] : [])].join('\n\n');
    }
  }
}

function marked(parts: Marked): string {
  return parts.map((p) => (p.match ? `«${p.text}»` : p.text)).join('');
}
