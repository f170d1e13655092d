import { snippet } from '../src/search/snippet.ts';
import { CommandError, type CommandDefinition } from './types.ts';

export const latestCommand: CommandDefinition = {
  name: 'latest',
  usage: 'latest [n]',
  summary: 'the newest items from the feeds (5 by default, at most 20)',
  run(args, ctx) {
    const text = args.trim() || '5';
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 20) throw new CommandError(`latest takes a number from 1 to 20 (got "${text}")`);
    const items = ctx.services.items.recent(n);
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
};
