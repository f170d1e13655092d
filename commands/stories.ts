import { relativeTime, shortTime, truncate } from '../src/format.ts';
import { CommandError, defineCommand, type Answer, type CommandContext } from './types.ts';

const DEFAULT_COUNT = 10;
/** Stories with an item this recent are listed. */
const RECENT_MS = 7 * 86_400_000;

export const storiesCommand = defineCommand({
  name: 'stories',
  usage: 'stories [n | #story]',
  summary: 'recent stories with their sources (10 by default), or one story in full',
  description: 'Recent stories with their sources, or one story in full',
  options: [
    { name: 'count', type: 'integer', min: 1, max: 50, description: 'how many (10 by default)' },
    { name: 'story', type: 'integer', min: 1, prefix: '#', typedAs: 'a story as #id', description: "one story, by its number (its first item's #id)" },
  ],
  access: 'anyone',
  uses: ['stories'],
  cli: { name: 'stories', channel: 'none', flags: { count: { flag: '--limit <n>', default: String(DEFAULT_COUNT) } }, json: true },
  async run({ count = DEFAULT_COUNT, story }, ctx) {
    if (story !== undefined) return oneStory(story, ctx);
    const now = ctx.now ?? new Date();
    const { stories } = ctx.services;
    const recent = await stories.recent({ since: new Date(now.getTime() - RECENT_MS), limit: count });
    const rows = await Promise.all(recent.map(async (row) => ({ ...row, sources: (await stories.sources(row.id)).map((s) => s.name) })));
    return {
      kind: 'list',
      heading: `Recent stories (${rows.length})`,
      rows: rows.map(
        (s) =>
          `#${s.id} ${truncate(s.title, 80)} — ${s.sources.length} ${s.sources.length === 1 ? 'source' : 'sources'}: ${truncate(s.sources.join(', '), 120)} · ${relativeTime(s.updated_at, now)}`,
      ),
      empty: 'no stories in the last 7 days: the feeds have not brought anything new',
      data: rows.map((s) => ({
        id: s.id,
        title: s.title,
        url: s.url,
        lang: s.lang,
        items: s.items,
        sources: s.sources,
        first_seen_at: s.first_seen_at,
        updated_at: s.updated_at,
      })),
    };
  },
});

/** One story, found by its number or any of its items': its lead, then each item with its source and why it joined. */
async function oneStory(asked: number, ctx: CommandContext<'stories'>): Promise<Answer> {
  const { stories } = ctx.services;
  // A story is numbered by its first item; any of its items' numbers (as search shows them) finds it too.
  const id = (await stories.joined(asked))?.story_id ?? asked;
  const story = await stories.find(id);
  if (!story) throw new CommandError(`there is no story or item #${asked} (\`stories\` lists the recent stories)`);
  const sources = await stories.sources(id);
  const items = (await stories.items(id)).map((item) => ({ ...item, sources: sources.filter((s) => s.item_id === item.id).map((s) => s.name) }));
  return {
    kind: 'notice',
    heading: `Story #${id}: ${story.title}`,
    lines: [
      `${items.length} ${items.length === 1 ? 'item' : 'items'} from ${sources.length} ${sources.length === 1 ? 'source' : 'sources'}, first seen ${shortTime(story.first_seen_at)}.`,
      ...items.map(
        (item) =>
          `#${item.id} ${item.sources.join(', ') || 'a source already named'}: ${truncate(item.title, 100)}${item.url ? ` ${item.url}` : ''}` +
          (item.story_via ? ` (joined: like #${item.story_via}, ${item.story_reason})` : ' (the lead)'),
      ),
    ],
    data: { ...story, sources: sources.map((s) => s.name), reports: items },
  };
}
