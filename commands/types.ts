import type { FeedStore } from '../src/db/feeds.ts';
import type { ItemStore } from '../src/db/items.ts';
import type { Outbox } from '../src/db/outbox.ts';
import type { StoryStore } from '../src/db/stories.ts';
import type { WatchStore } from '../src/db/watches.ts';
import type { FeedAdmin } from '../src/feeds/feed-admin.ts';
import type { AlertRouter } from '../src/pipeline/route-alerts.ts';
import type { SearchService } from '../src/search/search.ts';
import type { Marked } from '../src/search/snippet.ts';

/** What the commands work with; the composition root provides it. */
export interface CommandServices {
  search: SearchService;
  items: ItemStore;
  feeds: FeedStore;
  admin: FeedAdmin;
  watches: WatchStore;
  outbox: Outbox;
  stories: StoryStore;
  router: AlertRouter;
}

/** Who is asking, and where. `channel` is null only on the CLI when no channel was given. */
export interface CommandContext {
  channel: string | null;
  user: string;
  isAdmin: boolean;
  services: CommandServices;
  now?: Date;
  /** Results per page, where the platform shows more or fewer than the default. */
  pageSize?: number;
}

export interface ResultItem {
  id: number;
  title: Marked;
  url: string | null;
  source: string | null;
  publishedAt: string;
  lang: 'zh' | 'en' | 'other';
  snippet: Marked;
  summary: string | null;
  /** How many sources tell the item's story (1 when it is the only report). */
  sourceCount: number;
}

/**
 * A structured answer: each platform renders it in its own way. `data` is the same answer for machines
 * (the CLI's --json); `more` is the command text that fetches the next page.
 */
export type Answer =
  | { kind: 'results'; heading: string; results: ResultItem[]; more: string | null; data: unknown }
  | { kind: 'list'; heading: string; rows: string[]; empty: string; data: unknown }
  /** `announce`: the whole channel should see it (its watches changed), not only who asked. */
  | { kind: 'notice'; heading?: string; lines: string[]; data?: unknown; announce?: boolean }
  /** `usage` is empty when the command itself was fine (the user is over the rate limit, say). */
  | { kind: 'error'; message: string; usage: string };

export interface CommandDefinition {
  name: string;
  /** As typed after /ainews, e.g. `watch <keyword or "phrase">`. */
  usage: string;
  summary: string;
  /** Whether these arguments need an admin; platforms then look the user's role up before running. */
  needsAdmin?(args: string): boolean;
  run(args: string, ctx: CommandContext): Answer;
}

/** A mistake of the user's: answered with its message and the command's usage, never a stack trace. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export function requireChannel(ctx: CommandContext): string {
  if (!ctx.channel) throw new CommandError('this command needs a channel');
  return ctx.channel;
}

export function requireAdmin(ctx: CommandContext, what: string): void {
  if (!ctx.isAdmin) throw new CommandError(`only admins can ${what}: workspace admins and owners, and the users in AINEWS_ADMINS`);
}
