import type { OutboxRow } from '../../src/db/outbox.ts';
import type { Sql } from '../../src/db/sql.ts';

let items = 0;

/**
 * Channels, items and outbox rows written with SQL through the storage port, as the pipeline would have
 * queued them, on either backend. Every row is on the console platform, queued and due at `queuedAt`
 * unless told otherwise; each alert or update is about an item of its own (one alert per story).
 */
export class OutboxRows {
  constructor(
    private readonly sql: Sql,
    private readonly queuedAt: Date,
  ) {}

  async channel(id: string, language: 'en' | 'zh' | null = null): Promise<string> {
    await this.sql.run("INSERT INTO channels (id, platform, created_at, language) VALUES (?, 'console', ?, ?)", [id, this.queuedAt.toISOString(), language]);
    return id;
  }

  /** A watch of `channel`, for the rows queued through `Outbox.enqueue`, which name one. */
  async watch(channel: string, query = '*'): Promise<number> {
    const row = await this.sql.get<{ id: number }>('INSERT INTO watches (channel, query, canonical, created_at) VALUES (?, ?, ?, ?) RETURNING id', [
      channel,
      query,
      query,
      this.queuedAt.toISOString(),
    ]);
    return row!.id;
  }

  /**
   * An item, published when rows are queued unless told otherwise, carried by `outlets` feeds of its own;
   * part of `story` when told (a story is named by its lead item's id), or leading a story of its own.
   */
  async item(options: { lang?: 'en' | 'zh'; summaryPending?: boolean; story?: number; outlets?: number; publishedAt?: Date } = {}): Promise<number> {
    const at = this.queuedAt.toISOString();
    const row = await this.sql.get<{ id: number }>(
      `INSERT INTO items (dedupe_key, title, summary, lang, published_at, published_at_source, first_seen_at, updated_at, summary_pending, story_id)
       VALUES (?, 'A title', 'A summary.', ?, ?, 'feed', ?, ?, ?, ?) RETURNING id`,
      [`example.com/${++items}`, options.lang ?? 'en', (options.publishedAt ?? this.queuedAt).toISOString(), at, at, options.summaryPending ? 1 : 0, options.story ?? null],
    );
    const id = row!.id;
    if (options.story === undefined) await this.sql.run('UPDATE items SET story_id = id WHERE id = ?', [id]);
    for (let i = 0; i < (options.outlets ?? 0); i++) {
      const feed = await this.sql.get<{ id: number }>('INSERT INTO feeds (url, interval_seconds, next_poll_at, created_at) VALUES (?, 900, ?, ?) RETURNING id', [
        `https://outlet.example/${id}/${i}.xml`,
        at,
        at,
      ]);
      await this.sql.run('INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (?, ?, ?, ?, ?)', [feed!.id, `guid-${id}`, id, 'hash', at]);
    }
    return id;
  }

  /** An alert, waiting to be sent. */
  async alert(channel: string, options: { item?: number; queuedAt?: Date } = {}): Promise<number> {
    const item = options.item ?? (await this.item());
    return this.insert({ kind: 'alert', channel, item, story: item, queuedAt: options.queuedAt });
  }

  /** An update of `alert`, about a later item of its story. */
  async update(alert: number): Promise<number> {
    const parent = (await this.row(alert)) as OutboxRow & { story_id: number };
    return this.insert({ kind: 'update', channel: parent.channel, item: await this.item(), story: parent.story_id, parent: alert });
  }

  /** A fold telling these items, and, for each, the held alert it gathered. */
  async fold(channel: string, itemIds: number[]): Promise<{ fold: number; gathered: number[] }> {
    const entries = itemIds.map((item) => ({ story_id: item, item_id: item, outlets: 1, alerted: false }));
    const payload = JSON.stringify({ reason: 'quiet', entries, total: entries.length, part: 1, parts: 1 });
    const fold = await this.insert({ kind: 'fold', channel, payload });
    const gathered: number[] = [];
    for (const item of itemIds) gathered.push(await this.insert({ kind: 'alert', channel, item, story: item, heldBy: fold }));
    return { fold, gathered };
  }

  async row(id: number): Promise<OutboxRow> {
    return (await this.sql.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]))!;
  }

  private async insert(row: {
    kind: OutboxRow['kind'];
    channel: string;
    item?: number;
    story?: number;
    parent?: number;
    payload?: string;
    heldBy?: number;
    queuedAt?: Date;
  }): Promise<number> {
    const at = (row.queuedAt ?? this.queuedAt).toISOString();
    const held = row.heldBy !== undefined;
    const inserted = await this.sql.get<{ id: number }>(
      `INSERT INTO outbox (kind, item_id, story_id, parent_id, channel, platform, watch_query, next_attempt_at, created_at, status, held_until, held_for, fold_id, payload)
       VALUES (?, ?, ?, ?, ?, 'console', '*', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        row.kind,
        row.item ?? null,
        row.story ?? null,
        row.parent ?? null,
        row.channel,
        at,
        at,
        held ? 'held' : 'pending',
        held ? at : null,
        held ? 'quiet' : null,
        row.heldBy ?? null,
        row.payload ?? null,
      ],
    );
    return inserted!.id;
  }
}
