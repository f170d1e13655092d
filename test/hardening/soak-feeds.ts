import type { TestApp } from '../helpers/app.ts';
import { rss, type FeedServer } from '../helpers/feed-server.ts';
import type { SoakDatabase } from './soak-database.ts';

/** An item a feed of the soak published, in the round it did. */
export interface SoakItem {
  feed: number;
  round: number;
  title: string;
  link: string;
}

/** One request for a feed, as the feed server saw it: when it came, when its connection closed, and how many items the feed had then. */
export interface FeedFetch {
  feed: number;
  at: number;
  end: number | null;
  served: number;
}

/**
 * Fixed intervals (`--every`), all longer than a soak lasts: a feed is due only when the harness makes
 * it so, as if its interval had passed, and each of those moments starts a due period in which the
 * feed may be fetched once.
 */
export const SOAK_INTERVALS = ['1h', '2h', '3h', '4h', '5h', '6h'];

const SYLLABLES = ['ba', 'de', 'fi', 'go', 'ku', 'la', 'me', 'ni', 'po', 'ru'];

/**
 * A word item `n` alone has (at position `p` of its title): no two items share a word, so none is
 * taken for another feed's report of the same story, which would make it an update instead of an alert.
 * Syllables ending in a vowel leave nothing for the stemmer to cut.
 */
function word(n: number, p: number): string {
  return SYLLABLES[p] + [...String(n)].map((digit) => SYLLABLES[Number(digit)]).join('');
}

function title(n: number): string {
  return `${word(n, 0)} ${word(n, 1)} ${word(n, 2)}`;
}

/**
 * The soak's feeds on the local feed server: what each has published, every request each got, and the
 * moments the harness made each due.
 */
export class SoakFeeds {
  readonly items: SoakItem[] = [];
  readonly fetches: FeedFetch[] = [];
  /** Per feed: the moments it was made due, each the start of a due period (the first is its backlog poll's). */
  readonly dueSince: number[][];
  /** Per feed: its id in the database. */
  readonly ids: number[] = [];
  /**
   * Claims left by workers that were killed, aged by `advance`; `unfetched` of them on a feed not requested
   * since it was last made due (a worker claims its round's due feeds together and fetches them in turn).
   */
  readonly stranded = { claims: 0, unfetched: 0 };
  private readonly entries: { title: string; link: string; guid: string }[][];
  private counter = 0;

  /** `delayMs` says how long the server takes over each request: a slow host keeps a round's claims out longer. */
  constructor(
    private readonly server: FeedServer,
    private readonly delayMs: () => number = () => 0,
    readonly intervals: string[] = SOAK_INTERVALS,
  ) {
    this.entries = intervals.map(() => []);
    this.dueSince = intervals.map(() => [0]);
  }

  get count(): number {
    return this.intervals.length;
  }

  /** Serves every feed with one backlog item, adds it with its interval, and polls it once (its backlog). */
  async install(app: TestApp): Promise<void> {
    for (let feed = 0; feed < this.count; feed++) {
      const n = 100_000 + feed;
      this.entries[feed]!.push({ title: title(n), link: `https://news.example.com/backlog/${feed}`, guid: `backlog-${feed}` });
      this.server.route(`/soak/${feed}`, (_req, res) => {
        const fetch: FeedFetch = { feed, at: Date.now(), end: null, served: this.entries[feed]!.length };
        this.fetches.push(fetch);
        res.on('close', () => (fetch.end = Date.now()));
        const body = rss(this.entries[feed]!, `Soak ${feed + 1}`);
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body), this.delayMs());
      });
      const { feed: row } = await app.admin.add({ url: this.server.url(`/soak/${feed}`), name: `Soak ${feed + 1}`, every: this.intervals[feed]! });
      this.ids.push(row.id);
      await app.poller.poll((await app.feeds.find(row.id))!);
    }
  }

  /** Publishes `count` new items, each on a feed drawn at random. */
  publish(random: () => number, round: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const feed = Math.floor(random() * this.count);
      const n = ++this.counter;
      const item = { title: title(n), link: `https://news.example.com/soak/${n}`, guid: `soak-${n}` };
      this.entries[feed]!.unshift(item);
      this.items.push({ feed, round, title: item.title, link: item.link });
    }
  }

  /**
   * Lets time pass for the feeds given (all by default): a claim on one of them left by a worker that is
   * no longer running (`live` are the pids running) is aged past FEED_CLAIM_MS, and each is made due.
   * Records the moment as the start of a due period of each, once the database has made them due.
   */
  async advance(db: SoakDatabase, live: Set<number>, feeds: number[] = this.ids.map((_, feed) => feed)): Promise<void> {
    const ids = feeds.map((feed) => this.ids[feed]!);
    // A worker is named host:pid:random.
    const left = (await db.heldClaims()).filter((row) => ids.includes(row.id) && !live.has(Number(row.claimed_by.split(':').at(-2))));
    for (const row of left) await db.ageClaim(row.id, row.claimed_by);
    const stranded = left.map((row) => this.ids.indexOf(row.id));
    this.stranded.claims += stranded.length;
    this.stranded.unfetched += stranded.filter((feed) => !this.fetches.some((f) => f.feed === feed && f.at >= this.dueSince[feed]!.at(-1)!)).length;
    await db.makeDue(ids);
    const at = Date.now();
    for (const feed of feeds) this.dueSince[feed]!.push(at);
  }

  /** The feeds some of whose items are not stored yet. */
  async behind(db: SoakDatabase): Promise<number[]> {
    const stored = await db.storedLinks();
    return [...new Set(this.items.filter((item) => !stored.has(item.link)).map((item) => item.feed))];
  }
}
