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
