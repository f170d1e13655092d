import { MAX_QUERY_CHARS, parseSearchQuery, SEARCH_SYNTAX } from '../src/search/query.ts';
import { defineCommand } from './types.ts';

export const PAGE_SIZE = 5;

export const searchCommand = defineCommand({
  name: 'search',
  fallback: true,
  usage: '<query>',
  summary: `search what was collected: ${SEARCH_SYNTAX}`,
  description: 'Search what was collected',
  options: [
    {
      name: 'query',
      type: 'string',
      rest: true,
      required: 'what should I search for? Give some words',
      maxLength: MAX_QUERY_CHARS,
      description: 'words, "phrases", -exclude, OR, source:, since:7d, lang:zh',
    },
  ],
  access: 'anyone',
  uses: ['search', 'translations'],
  cli: { name: 'search', channel: 'none', pageSize: true, json: true },
  async run({ query }, ctx) {
    const parsed = parseSearchQuery(query, ctx.now);
    const result = await ctx.services.search.search(parsed, { pageSize: ctx.pageSize ?? PAGE_SIZE, now: ctx.now });
    const heading = result.hits.length
      ? `Results for ${query}${result.page > 1 ? ` (page ${result.page})` : ''}`
      : `Nothing found for ${query}${result.page > 1 ? ` on page ${result.page}` : ''}`;
    const withoutPage = query.replace(/(^|\s)page:\S+/gi, '').trim();
    // In a channel with a language, titles already translated are shown so (the matched words still show
    // in the excerpt below); nothing is translated here: a command never waits for the LLM.
    const { translations } = ctx.services;
    const language = ctx.channel ? await translations.language(ctx.channel) : null;
    const translated = language ? await translations.cachedTitles(result.hits.filter((hit) => hit.lang !== language).map((hit) => hit.id), language) : new Map<number, string>();
    return {
      kind: 'results',
      heading,
      results: result.hits.map((hit) => ({
        id: hit.id,
        title: translated.has(hit.id) ? [{ text: translated.get(hit.id)!, match: false }] : hit.titleMarked,
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
});
