import { describe, expect, it } from 'vitest';
import { canonicalUrl, dedupeKey, stableGuid } from '../../src/canonical-url.ts';
import { cleanTitle } from '../../src/feeds/clean-title.ts';
import { parseFeedDate } from '../../src/feeds/dates.ts';
import { htmlToText } from '../../src/feeds/html-text.ts';
import { detectLanguage } from '../../src/feeds/language.ts';

const base = 'https://news.example.com/feeds/ai/rss.xml';
const iso = (raw: string | null) => parseFeedDate(raw)?.toISOString() ?? null;

describe('canonicalUrl', () => {
  it('resolves relative links against the feed URL', () => {
    expect(canonicalUrl('/2025/08/gpt-5.html', base)).toBe('https://news.example.com/2025/08/gpt-5.html');
    expect(canonicalUrl('../story?id=7', base)).toBe('https://news.example.com/feeds/story?id=7');
    expect(canonicalUrl('//cdn.example.org/a', base)).toBe('https://cdn.example.org/a');
    expect(canonicalUrl('  https://example.com/trimmed  ', base)).toBe('https://example.com/trimmed');
  });

  it('drops utm_*, fbclid, gclid and spm but keeps other parameters in order', () => {
    expect(
      canonicalUrl('https://example.com/p?id=5&utm_source=rss&utm_medium=feed&fbclid=AbC&page=2&gclid=x1&spm=a.b.c&z=9', base),
    ).toBe('https://example.com/p?id=5&page=2&z=9');
    expect(canonicalUrl('https://example.com/p?UTM_Campaign=launch&q=ai', base)).toBe('https://example.com/p?q=ai');
  });

  it('removes the "?" altogether when only tracking parameters were present', () => {
    expect(canonicalUrl('https://example.com/p?utm_source=x&fbclid=y', base)).toBe('https://example.com/p');
  });

  it('leaves a query without tracking parameters byte for byte as it was', () => {
    expect(canonicalUrl('https://example.com/s?z=1&a=b%2Fc&q=a+b&flag', base)).toBe('https://example.com/s?z=1&a=b%2Fc&q=a+b&flag');
  });

  it('drops the fragment, lowercases the host and drops the default port and credentials', () => {
    expect(canonicalUrl('https://News.Example.COM:443/Path/Case#comments', base)).toBe('https://news.example.com/Path/Case');
    expect(canonicalUrl('http://user:secret@example.com/a', base)).toBe('http://example.com/a');
  });

  it('refuses non-http schemes and garbage', () => {
    expect(canonicalUrl('javascript:alert(1)', base)).toBeNull();
    expect(canonicalUrl('mailto:tips@example.com', base)).toBeNull();
    expect(canonicalUrl('ftp://example.com/file', base)).toBeNull();
    expect(canonicalUrl('data:text/html,<b>x</b>', base)).toBeNull();
    expect(canonicalUrl('http://', base)).toBeNull();
    expect(canonicalUrl('http://exa mple.com/', base)).toBeNull();
    expect(canonicalUrl('not a url', 'also not a url')).toBeNull();
  });
});

describe('dedupeKey', () => {
  it('ignores the scheme and a leading www.', () => {
    const key = dedupeKey('https://example.com/a/b');
    expect(dedupeKey('http://example.com/a/b')).toBe(key);
    expect(dedupeKey('https://www.example.com/a/b')).toBe(key);
    expect(dedupeKey('http://www.example.com/a/b')).toBe(key);
    expect(key).toBe('example.com/a/b');
  });

  it('sorts query parameters', () => {
    expect(dedupeKey('https://example.com/a?b=2&a=1')).toBe(dedupeKey('https://example.com/a?a=1&b=2'));
    expect(dedupeKey('https://example.com/a?b=2&a=1')).toBe('example.com/a?a=1&b=2');
  });

  it('keeps links to different pages apart', () => {
    expect(dedupeKey('https://example.com/a?id=1')).not.toBe(dedupeKey('https://example.com/a?id=2'));
    expect(dedupeKey('https://example.com/a')).not.toBe(dedupeKey('https://example.org/a'));
    expect(dedupeKey('https://example.com/A')).not.toBe(dedupeKey('https://example.com/a'));
  });

  it('gives every arXiv version and the PDF of a paper one key', () => {
    const key = dedupeKey('https://arxiv.org/abs/2509.13332');
    expect(key).toBe('arxiv.org/abs/2509.13332');
    expect(dedupeKey('https://arxiv.org/abs/2509.13332v2')).toBe(key);
    expect(dedupeKey('http://arxiv.org/pdf/2509.13332v1')).toBe(key);
    expect(dedupeKey('https://www.arxiv.org/pdf/2509.13332v3.pdf')).toBe(key);
    expect(dedupeKey('https://arxiv.org/abs/2509.13333')).not.toBe(key);
  });
});

describe('stableGuid', () => {
  it('drops the version from arXiv OAI guids', () => {
    expect(stableGuid('oai:arXiv.org:2509.13332v1')).toBe('oai:arXiv.org:2509.13332');
    expect(stableGuid('oai:arXiv.org:2509.13332v12')).toBe('oai:arXiv.org:2509.13332');
    expect(stableGuid('oai:arXiv.org:2509.13332')).toBe('oai:arXiv.org:2509.13332');
  });

  it('only trims other guids', () => {
    expect(stableGuid('  https://example.com/?p=123 \n')).toBe('https://example.com/?p=123');
    expect(stableGuid('tag:example.com,2025:post-v2')).toBe('tag:example.com,2025:post-v2');
  });
});

describe('parseFeedDate', () => {
  const instant = '2025-08-02T08:30:00.000Z';

  it('reads RFC 822 dates with GMT, numeric offsets and named zones', () => {
    expect(iso('Sat, 02 Aug 2025 08:30:00 GMT')).toBe(instant);
    expect(iso('Sat, 02 Aug 2025 16:30:00 +0800')).toBe(instant);
    expect(iso('Sat, 02 Aug 2025 03:30:00 -0500')).toBe(instant);
    expect(iso('Sat, 02 Aug 2025 03:30:00 EST')).toBe(instant);
    expect(iso('Sat, 02 Aug 2025 01:30 PDT')).toBe(instant);
  });

  it('reads RFC 822 dates with a two-digit year or without the weekday', () => {
    expect(iso('Sat, 02 Aug 25 08:30:00 GMT')).toBe(instant);
    expect(iso('02 Aug 2025 08:30:00 GMT')).toBe(instant);
    expect(iso('2 Aug 2025 8:30:00 +0000')).toBe(instant);
  });

  it('reads ISO 8601 with Z, offsets, fractional seconds and a space for T', () => {
    expect(iso('2025-08-02T08:30:00Z')).toBe(instant);
    expect(iso('2025-08-02T16:30:00+08:00')).toBe(instant);
    expect(iso('2025-08-02T03:30:00-05:00')).toBe(instant);
    expect(iso('2025-08-02T16:30:00+0800')).toBe(instant);
    expect(iso('2025-08-02T03:30:00-0500')).toBe(instant);
    expect(iso('2025-08-02T08:30:00.123456Z')).toBe('2025-08-02T08:30:00.123Z');
    expect(iso('2025-08-02 08:30:00Z')).toBe(instant);
  });

  it('reads a date without a time as midnight UTC', () => {
    expect(iso('2025-08-02')).toBe('2025-08-02T00:00:00.000Z');
  });

  it('refuses zoneless date-times, words, empty input and out-of-range fields', () => {
    expect(parseFeedDate('2026-09-21  05:09:38')).toBeNull();
    expect(parseFeedDate('2022-07-26 13:01:01')).toBeNull();
    expect(parseFeedDate('last Tuesday')).toBeNull();
    expect(parseFeedDate('')).toBeNull();
    expect(parseFeedDate(null)).toBeNull();
    expect(parseFeedDate('2025-13-02T08:30:00Z')).toBeNull();
    expect(parseFeedDate('2025-08-02T25:30:00Z')).toBeNull();
    expect(parseFeedDate('Sat, 02 Aug 2025 25:30:00 GMT')).toBeNull();
    expect(parseFeedDate('Sat, 02 Aug 2025 08:30:00 XYZ')).toBeNull();
  });
});

describe('cleanTitle', () => {
  it('strips tags and decodes entities, including doubly escaped ones', () => {
    expect(cleanTitle('<b>Bold</b> title')).toBe('Bold title');
    expect(cleanTitle('AT&amp;T')).toBe('AT&T');
    expect(cleanTitle('AT&amp;amp;T')).toBe('AT&T');
    expect(cleanTitle('<i>AT&amp;amp;T</i> earnings')).toBe('AT&T earnings');
    expect(cleanTitle('&#x4E2D;&#25991; &quot;news&quot;')).toBe('中文 "news"');
  });

  it('removes zero-width, bidi-override, control and soft-hyphen characters', () => {
    const cleaned = cleanTitle('Deep\u200BMind \u202Egnikaerb\u202C Open\u00ADAI\u0007 GPT\u0000-5\uFEFF');
    expect(cleaned).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u202A-\u202E\uFEFF]/);
    // Letters survive. (The characters are currently replaced by a space, so "Open\u00ADAI" becomes "Open AI".)
    expect(cleaned.replace(/ /g, '')).toBe('DeepMindgnikaerbOpenAIGPT-5');
    expect(cleanTitle('Breaking:\u0007 news\u202E')).toBe('Breaking: news');
  });

  it('collapses whitespace and trims', () => {
    expect(cleanTitle('  GPT-5\n\t  is   here \r\n')).toBe('GPT-5 is here');
  });

  it('keeps a literal "<" comparison readable', () => {
    expect(cleanTitle('Why a < b matters')).toBe('Why a < b matters');
    expect(cleanTitle('x <= y and y >= z')).toBe('x <= y and y >= z');
    expect(cleanTitle('5 &lt; 6, and <b>bold</b>')).toBe('5 < 6, and bold');
    expect(cleanTitle('<b>a</b> < b')).toBe('a < b');
  });
});

describe('detectLanguage', () => {
  it('tells Chinese, English and other languages apart', () => {
    expect(detectLanguage('OpenAI 发布 GPT-5：推理能力大幅提升，价格与上一代持平', '', null)).toBe('zh');
    expect(detectLanguage('OpenAI releases a new model that is better at reasoning and cheaper to run', '', null)).toBe('en');
    expect(detectLanguage('OpenAIは新しいモデルを発表しました。推論能力が大幅に向上しています。', '', null)).toBe('other');
    expect(detectLanguage('Die Bundesregierung hat heute neue Regeln für künstliche Intelligenz beschlossen', '', null)).toBe('other');
  });

  it('reads Traditional Chinese as zh', () => {
    expect(detectLanguage('微軟發佈新一代人工智慧模型，效能大幅提升', '', null)).toBe('zh');
    expect(detectLanguage('微軟發佈新一代人工智慧模型，效能大幅提升', '', 'zh-TW')).toBe('zh');
  });

  it('falls back to the declared language when the text is too short', () => {
    expect(detectLanguage('GPT-5', '', 'zh-CN')).toBe('zh');
    expect(detectLanguage('GPT-5', '', 'en-us')).toBe('en');
    expect(detectLanguage('GPT-5', '', 'de')).toBe('other');
  });

  it('lets a full English sentence win over a Chinese feed language', () => {
    expect(detectLanguage('Google announces the Gemini model for developers and enterprises in the cloud', '', 'zh-cn')).toBe('en');
  });
});

describe('htmlToText', () => {
  it('separates paragraphs with a blank line and breaks at <br>', () => {
    expect(htmlToText('<p>First   paragraph\n here.</p><p>Second.</p>')).toBe('First paragraph here.\n\nSecond.');
    const lines = htmlToText('line one<br>line two<br/>line three').split(/\n+/);
    expect(lines).toEqual(['line one', 'line two', 'line three']);
  });

  it('drops scripts, styles, images, captions and svg', () => {
    const text = htmlToText(
      '<p>Before<script>track("x")</script><style>p { color: red }</style><img src="a.png" alt="ALT TEXT"> after</p>' +
        '<figure><img src="b.png"><figcaption>Photo: Someone</figcaption></figure><svg><text>SVG TEXT</text></svg><p>End</p>',
    );
    expect(text).toBe('Before after\n\nEnd');
  });

  it('decodes entities', () => {
    expect(htmlToText('<p>A&nbsp;B &amp; C &#x4E2D;&#25991; &lt;tag&gt;</p>')).toBe('A B & C 中文 <tag>');
  });

  it('collapses every kind of whitespace and drops control and bidi characters, paragraph by paragraph', () => {
    expect(htmlToText('<p>一\u3000\u3000二\t三 &amp;&nbsp; 四\u202E五\u0007</p><p>\u0001</p><p>AT&amp;T &copy 2026</p>')).toBe('一 二 三 & 四五\n\nAT&T © 2026');
  });

  it('skips comments, declarations, scripts holding markup and quoted ">" in attributes, and keeps text after the last tag', () => {
    const html =
      '<!DOCTYPE html><?xml-stylesheet href="x"?><p title="a > b" data-x=\'<p>\'>One<!-- <p>not text</p> -->two</p>' +
      '<script>if (a < b && c > d) { document.write("<p>no</p>") }</script><style>p > a { }</style>' +
      '<p>Three <a href="/x?a=1&amp;b=2">link</a></p>tail text';
    expect(htmlToText(html)).toBe('Onetwo\n\nThree link\n\ntail text');
    expect(htmlToText('no tags at all')).toBe('no tags at all');
    expect(htmlToText('<p>unclosed <!-- comment')).toBe('unclosed');
  });

  it('reads entities in class names when it looks for share widgets', () => {
    expect(htmlToText('<p>Story.</p><div class="share&#45;buttons">Share</div>')).toBe('Story.');
  });

  it('keeps the text of nested inline tags', () => {
    expect(htmlToText('<p>One <b>bold <i>and <a href="#">linked</a></i></b> word</p>')).toBe('One bold and linked word');
  });
});

describe('share widgets', () => {
  it('drops containers named as widgets by a whole class or id, and keeps text that only sounds like one', () => {
    expect(htmlToText('<p>News.</p><div class="share-buttons"><a>Share on X</a></div><div id="newsletter">Sign up</div>')).toBe('News.');
    expect(htmlToText('<p>Shares rose.</p><span class="share-price">$120.5</span><div class="no-ads">Kept</div>')).toBe('Shares rose.\n\n$120.5\n\nKept');
    expect(htmlToText('<article class="ad">The article itself.</article>')).toBe('The article itself.');
  });
});

describe('titles and links that used to lose text', () => {
  it('keeps angle-bracket text that is not inline markup', () => {
    expect(cleanTitle('Use <script> tags safely')).toBe('Use <script> tags safely');
    expect(cleanTitle("Rust's Vec<String> explained")).toBe("Rust's Vec<String> explained");
    expect(cleanTitle('If a<b and b>c then')).toBe('If a<b and b>c then');
    expect(cleanTitle('<b>Bold</b> and <a href="x">linked</a>')).toBe('Bold and linked');
  });

  it('removes invisible characters without splitting words, and keeps emoji sequences', () => {
    expect(cleanTitle('Open\u00ADAI Deep\u200BMind')).toBe('OpenAI DeepMind');
    expect(cleanTitle('👨\u200D👩\u200D👧 family')).toBe('👨\u200D👩\u200D👧 family');
    expect(cleanTitle('R&D&notes')).toBe('R&D&notes');
  });

  it("drops a script's or style's text and the tags of any HTML element, but keeps text titles as written", () => {
    expect(cleanTitle('<script>alert(1)</script>Hi <style type="x">p{}</style><blink>there</blink>')).toBe('Hi there');
    expect(cleanTitle('&lt;iframe src="x"&gt;&lt;/iframe&gt;Framed <h2>and</h2> <img src="a.png"> <center>centred</center>')).toBe('Framed and centred');
    expect(cleanTitle('The <img> tag, and </script> alone')).toBe('The <img> tag, and </script> alone');
    expect(cleanTitle('Why <script>x</script> &amp; <b>bold</b>', 'text')).toBe('Why <script>x</script> &amp; <b>bold</b>');
  });

  it('leaves the rest of the query exactly as written when dropping tracking parameters', () => {
    expect(canonicalUrl('https://x.example/a?flag&utm_source=x', 'https://x.example/')).toBe('https://x.example/a?flag');
    expect(canonicalUrl('https://x.example/a?q=a%20b&utm_source=x', 'https://x.example/')).toBe('https://x.example/a?q=a%20b');
    expect(canonicalUrl('https://x.example/a?u=https://x.org/a&fbclid=1', 'https://x.example/')).toBe('https://x.example/a?u=https://x.org/a');
  });

  it('refuses impossible dates and reads two-digit years and full weekday names as RFC 2822 does', () => {
    expect(parseFeedDate('2025-02-31T00:00:00Z')).toBeNull();
    expect(parseFeedDate('31 Feb 2025 00:00:00 GMT')).toBeNull();
    expect(parseFeedDate('Mon, 01 Jan 99 00:00:00 GMT')?.toISOString()).toBe('1999-01-01T00:00:00.000Z');
    expect(parseFeedDate('Saturday, 02 August 2025 08:30:00 GMT')?.toISOString()).toBe('2025-08-02T08:30:00.000Z');
  });

  it('reads offsets with a colon and a trailing comment, and refuses ambiguous zone names', () => {
    expect(parseFeedDate('Sat, 02 Aug 2025 16:30:00 +08:00')?.toISOString()).toBe('2025-08-02T08:30:00.000Z');
    expect(parseFeedDate('Sat, 02 Aug 2025 08:30:00 +0000 (UTC)')?.toISOString()).toBe('2025-08-02T08:30:00.000Z');
    expect(parseFeedDate('Sat, 02 Aug 2025 16:30:00 CST')).toBeNull();
  });

  it('does not take German for English', () => {
    expect(detectLanguage('Das neue Modell ist in der Lage, Texte zu verstehen und an Nutzer anzupassen', '', null)).toBe('other');
    expect(detectLanguage('Нейросети стали лучше переводить тексты с английского языка', '', 'en')).toBe('other');
  });
});
