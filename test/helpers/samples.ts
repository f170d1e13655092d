import type { Answer } from '../../commands/index.ts';
import type { Alert } from '../../src/delivery/port.ts';
import type { Marked } from '../../src/search/snippet.ts';

/** An alert as the worker composes it, for a renderer's tests (`channel` names the platform). */
export function sampleAlert(channel: string): Alert {
  return {
    deliveryId: 7,
    channel,
    itemId: 3,
    title: 'OpenAI ships GPT-5',
    url: 'https://openai.com/index/gpt-5/',
    source: 'OpenAI News',
    publishedAt: '2025-08-07T17:00:00.000Z',
    lang: 'en',
    summary: 'The new model is out.',
    watch: 'gpt-5',
    alsoCoveredBy: [],
    mention: null,
  };
}

/** A page of Chinese search results with a next page, for a renderer's tests. */
export function sampleResults(title: Marked, snippet: Marked): Extract<Answer, { kind: 'results' }> {
  return {
    kind: 'results',
    heading: 'Results for 推理模型',
    results: [{ id: 5, title, url: 'https://www.ithome.com/0/1.htm', source: 'IT之家', publishedAt: '2025-08-07T16:00:00.000Z', lang: 'zh', snippet, summary: null, sourceCount: 3 }],
    more: '推理模型 page:2',
    data: [],
  };
}

/**
 * Text beyond every platform's limits, in English and Chinese with emoji: a 6,000-character title, a
 * 60 KB body, a 2,500-character URL, a 1,000-character source name. Markup and mentions are mixed in,
 * so that escaping makes it longer still.
 */
export const OVERSIZE = {
  title: (lang: 'en' | 'zh') => chars(lang === 'en' ? 'GPT-5 & <friends> **ship** 😀 ' : '大模型发布 & <测试> **新** 😀 ', 6000),
  body: (lang: 'en' | 'zh') => chars(lang === 'en' ? 'The model <@U1> & *more* text, said @everyone. ' : '人工智能模型今天发布，性能大幅提升，@everyone 欢迎 & <试用>。', 60_000),
  url: (lang: 'en' | 'zh') => `https://news.example.com/${lang}/${chars('a1-b2_c3', 2500 - 28)}`,
  name: (lang: 'en' | 'zh') => chars(lang === 'en' ? 'Example News & <Co> ' : '量子位 & <新闻> ', 1000),
};

/** `unit` repeated to `n` characters (code points: an emoji is never cut in half). */
function chars(unit: string, n: number): string {
  return Array.from(unit.repeat(Math.ceil(n / [...unit].length))).slice(0, n).join('');
}

/** An alert of oversize fields, with many oversize other sources. */
export function oversizeAlert(channel: string, lang: 'en' | 'zh'): Alert {
  return {
    ...sampleAlert(channel),
    title: OVERSIZE.title(lang),
    url: OVERSIZE.url(lang),
    source: OVERSIZE.name(lang),
    lang,
    summary: OVERSIZE.body(lang),
    watch: `${'gpt-5 '.repeat(40)}`.trim(),
    alsoCoveredBy: Array.from({ length: 30 }, (_, i) => `${i} ${OVERSIZE.name(lang)}`),
  };
}

/** A page of oversize results, `n` of them, with a next page. */
export function oversizeResults(n: number, lang: 'en' | 'zh'): Extract<Answer, { kind: 'results' }> {
  const body = OVERSIZE.body(lang);
  return {
    kind: 'results',
    heading: `Results for ${'&'.repeat(200)}`,
    results: Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      title: [{ text: OVERSIZE.title(lang), match: false }],
      url: OVERSIZE.url(lang),
      source: OVERSIZE.name(lang),
      publishedAt: '2025-08-07T16:00:00.000Z',
      lang,
      // Matched words all through the text: each one's bold adds to its length.
      snippet: Array.from({ length: 200 }, (_, j) => ({ text: j % 2 ? 'GPT-5' : body.slice(j * 50, j * 50 + 50), match: j % 2 === 1 })),
      summary: body,
      sourceCount: 3,
    })),
    more: `${'&'.repeat(190)} page:2`,
    data: [],
  };
}
