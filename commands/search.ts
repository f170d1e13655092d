import { parseSearchQuery, SEARCH_SYNTAX } from '../src/search/query.ts';
import type { CommandDefinition } from './types.ts';

export const PAGE_SIZE = 5;

export const searchCommand: CommandDefinition = {
  name: 'search',
  usage: '<query>',
  summary: `search what was collected: ${SEARCH_SYNTAX}`,
  run(args, ctx) {
    const query = parseSearchQuery(args, ctx.now);
    const result = ctx.services.search.search(query, { pageSize: ctx.pageSize ?? PAGE_SIZE, now: ctx.now });
    const heading = result.hits.length
      ? `Results for ${args.trim()}${result.page > 1 ? ` (page ${result.page})` : ''}`
      : `Nothing found for ${args.trim()}${result.page > 1 ? ` on page ${result.page}` : ''}`;
    const withoutPage = args.replace(/(^|\s)page:\S+/gi, '').trim();
    return {
      kind: 'results',
      heading,
      results: result.hits.map((hit) => ({
        id: hit.id,
        title: hit.titleMarked,
        url: hit.url,
        source: hit.source,
        publishedAt: hit.published_at,
        lang: hit.lang,
        snippet: hit.snippet,
        summary: hit.summary,
        sourceCount: Math.max(1, hit.story_sources.length),
      })),
      more: result.hasMore ? `${withoutPage} page:${result.page + 1}` : null,
      data: result.hits.map((hit) => ({
        id: hit.id,
        title: hit.title,
        url: hit.url,
        source: hit.source,
        sources: hit.sources,
        published_at: hit.published_at,
        lang: hit.lang,
        score: hit.score,
        summary: hit.summary,
        story_id: hit.story_id,
        story_items: hit.story_items,
        story_sources: hit.story_sources,
      })),
    };
  },
};
