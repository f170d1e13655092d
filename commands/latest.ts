import { snippet } from '../src/search/snippet.ts';
import { defineCommand } from './types.ts';

export const latestCommand = defineCommand({
  name: 'latest',
  usage: 'latest [n]',
  summary: 'the newest items from the feeds (5 by default, at most 20)',
  description: 'The newest items',
  options: [{ name: 'count', type: 'integer', min: 1, max: 20, countsResults: true, description: 'how many (5 by default)' }],
  access: 'anyone',
  uses: ['items'],
  async run({ count = 5 }, ctx) {
    const items = await ctx.services.items.recent(count);
    return {
      kind: 'results',
      heading: items.length ? `Latest ${items.length} items` : 'No items yet: the feeds have not been polled',
      results: items.map((item) => ({
        id: item.id,
        title: [{ text: item.title, match: false }],
        url: item.url,
        source: item.sources[0] ?? null,
        publishedAt: item.published_at,
        lang: item.lang,
        snippet: snippet(item.body, null),
        summary: item.summary,
        sourceCount: Math.max(1, item.sources.length),
      })),
      more: null,
      data: items.map((i) => ({ id: i.id, title: i.title, url: i.url, source: i.sources[0] ?? null, published_at: i.published_at, lang: i.lang, summary: i.summary })),
    };
  },
});
