import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FeedRow, FeedStore } from '../db/feeds.ts';
import type { SubscriptionRow, WebSubSubscriptions } from '../db/websub-subscriptions.ts';
import type { WebSubLinks } from '../feeds/websub-links.ts';
import type { Logger } from '../log.ts';
import type { PolledBody } from '../pipeline/poll-feed.ts';
import type { HubAnswer } from './hub-request.ts';

export interface SubscriberSettings {
  /** PUBLIC_URL: where hubs reach ainews; callbacks are PUBLIC_URL/websub/<token>. */
  publicUrl: string;
  /** The lease asked for; hubs grant what they will. */
  leaseSeconds: number;
}

export interface SubscriberDeps {
  subscriptions: WebSubSubscriptions;
  feeds: FeedStore;
  /** POSTs a form to a hub (through the address guard). */
  post: (hub: string, fields: Record<string, string>) => Promise<HubAnswer>;
  /** Stores a pushed body as a poll's would be, and goes on to route it. */
  ingest: (feed: FeedRow, body: Buffer, contentType: string | null) => Promise<void>;
  log: Logger;
  settings: SubscriberSettings;
  now?: () => Date;
}

/** What a feed's WebSub subscription does for its polling. */
export interface PushState {
  hub: string;
  /** The hub pushes it: it is polled at FEED_MAX_INTERVAL only, as a safety net. */
  pushing: boolean;
  /** Why not, when it does not. */
  note: string | null;
}

/** An answer to the hub: its status, and the body (the challenge, or why it was refused). */
export interface CallbackAnswer {
  status: number;
  body: string;
}

/** How long a hub has to verify a request before it is taken as failed. */
const VERIFY_WITHIN_MS = 3_600_000;
/** A lease is renewed this long before it ends (or when a fifth of it is left, if that is longer). */
const RENEW_WITHIN_MS = 86_400_000;
/** After a refusal, a denial or a fallback, the hub is asked again this much later. */
const RETRY_AFTER_MS = 86_400_000;
/** After a request that did not reach the hub. */
const UNREACHABLE_RETRY_MS = 3_600_000;

const SIGNATURE_METHODS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

/**
 * WebSub (https://www.w3.org/TR/websub/) on the subscriber's side. A feed whose polls name a hub is
 * subscribed to, with a callback of its own and a secret of its own; the hub's intent checks are
 * answered only for what was asked; a push is stored only when its signature is the subscription's
 * and the feed is still ours. Leases are renewed before they end, and a removed feed is unsubscribed.
 * A pushed feed is still polled, rarely; when a poll finds news the hub never pushed, the feed goes back
 * to adaptive polling and the hub is asked again a day later.
 */
export class WebSubSubscriber {
  private readonly now: () => Date;

  constructor(private readonly deps: SubscriberDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Whether a hub pushes the feed (its subscription verified and its lease running), and otherwise what
   * became of its subscription, in words for `feeds list`.
   */
  async pushState(feedId: number): Promise<PushState | null> {
    const row = await this.deps.subscriptions.forFeed(feedId);
    if (!row) return null;
    const hub = host(row.hub);
    const leaseRuns = row.expires_at !== null && Date.parse(row.expires_at) > this.now().getTime();
    if (row.state === 'active' && leaseRuns) return { hub: row.hub, pushing: true, note: null };
    const retry = row.retry_at ? `; asked again ${row.retry_at.slice(0, 16).replace('T', ' ')} UTC` : '';
    if (row.state === 'requested') return { hub: row.hub, pushing: false, note: `waiting for the WebSub hub ${hub} to verify the subscription` };
    if (row.state === 'active') return { hub: row.hub, pushing: false, note: `the WebSub lease from ${hub} ran out; renewing it` };
    return { hub: row.hub, pushing: false, note: `back to polling: ${row.last_error ?? `the WebSub hub ${hub} failed`}${retry}` };
  }

  /**
   * Reads a poll for the feed's hub (its Link header before its body, as the recommendation says) and
   * subscribes when there is one and no subscription stands; when the feed is pushed and the poll found
   * news the hub did not push since the poll before, falls back to polling. The request is recorded before
   * this resolves; the hub is asked in the background.
   */
  async polled(feed: FeedRow, poll: PolledBody): Promise<void> {
    const links: WebSubLinks = { hub: poll.fetched.links.hub ?? poll.parsed.hub ?? null, self: poll.fetched.links.self ?? poll.parsed.self ?? null };
    const row = await this.deps.subscriptions.forFeed(feed.id);
    if (row?.state === 'active' && poll.fresh > 0) await this.checkPushes(feed, row, poll);
    if (!links.hub) return;
    const stands = row && (row.state === 'active' || row.state === 'requested' || Date.parse(row.retry_at ?? '') > poll.at.getTime());
    if (stands && row.hub === links.hub) return;
    const failed = (error: unknown) => this.deps.log.error({ err: error, feed: feed.id }, 'could not subscribe to the WebSub hub');
    let requested: SubscriptionRow;
    try {
      requested = await this.requested(feed, links.hub, links.self ?? feed.url, row);
    } catch (error) {
      failed(error);
      return;
    }
    this.request(requested, 'subscribe').catch(failed);
  }

  /** Renews leases, gives up on requests never verified, asks again where a retry is due. */
  async maintain(): Promise<void> {
    const now = this.now();
    for (const row of await this.deps.subscriptions.due(now, VERIFY_WITHIN_MS, RENEW_WITHIN_MS)) {
      if (row.state === 'unsubscribing') {
        // Asked once more in an hour, then let go: a hub that never confirms stops pushing when the lease ends.
        if (Date.parse(row.requested_at) < now.getTime() - 2 * VERIFY_WITHIN_MS) await this.deps.subscriptions.remove(row.id);
        else await this.request(row, 'unsubscribe');
        continue;
      }
      if (row.state === 'requested') {
        await this.deps.subscriptions.failed(row.id, `the hub did not verify the subscription within ${VERIFY_WITHIN_MS / 60_000} minutes`, new Date(now.getTime() + RETRY_AFTER_MS));
        continue;
      }
      const feed = row.feed_id === null ? undefined : await this.deps.feeds.find(row.feed_id);
      if (feed) await this.subscribe(feed, row.hub, row.topic, row);
    }
  }

  /** Unsubscribes a feed about to be removed (its subscription row outlives it until the hub confirms). */
  async unsubscribe(feedId: number): Promise<void> {
    const row = await this.deps.subscriptions.unsubscribing(feedId, this.now());
    if (row) await this.request(row, 'unsubscribe');
  }

  /** A hub's GET on a callback: verification of intent, or a denial. */
  async verify(token: string, query: URLSearchParams): Promise<CallbackAnswer> {
    const row = await this.deps.subscriptions.byToken(token);
    const mode = query.get('hub.mode');
    const topic = query.get('hub.topic');
    if (!row || topic !== row.topic) return { status: 404, body: 'no such subscription' };
    const log = this.deps.log.child({ hub: row.hub, topic: row.topic });
    if (mode === 'denied') {
      const reason = query.get('hub.reason') ?? 'no reason given';
      await this.deps.subscriptions.failed(row.id, `the hub denied the subscription: ${reason}`, new Date(this.now().getTime() + RETRY_AFTER_MS));
      log.warn({ reason }, 'WebSub subscription denied by the hub; the feed is polled');
      return { status: 200, body: '' };
    }
    const challenge = query.get('hub.challenge');
    if (!challenge) return { status: 400, body: 'hub.challenge is missing' };
    if (mode === 'subscribe' && row.state !== 'unsubscribing' && row.feed_id !== null) {
      const lease = Number(query.get('hub.lease_seconds'));
      const leaseSeconds = Number.isInteger(lease) && lease > 0 ? lease : this.deps.settings.leaseSeconds;
      await this.deps.subscriptions.activated(row.id, leaseSeconds, this.now());
      log.info({ leaseSeconds }, 'WebSub subscription verified: the hub pushes this feed');
      return { status: 200, body: challenge };
    }
    if (mode === 'unsubscribe' && row.state === 'unsubscribing') {
      await this.deps.subscriptions.remove(row.id);
      log.info('WebSub unsubscription verified');
      return { status: 200, body: challenge };
    }
    return { status: 404, body: `no ${mode ?? 'such'} request pending for this topic` };
  }

  /**
   * A hub's POST on a callback: content. Refused unless it is for a feed still subscribed, is signed
   * with that subscription's secret, and names (if it names one) the subscription's topic.
   */
  async receive(token: string, headers: { signature?: string; contentType?: string; self?: string | null }, body: Buffer): Promise<CallbackAnswer> {
    const row = await this.deps.subscriptions.byToken(token);
    const feed = row?.feed_id == null ? undefined : await this.deps.feeds.find(row.feed_id);
    if (!row || !feed || row.state === 'unsubscribing') return { status: 404, body: 'no such subscription' };
    const log = this.deps.log.child({ feed: feed.id, hub: row.hub });
    if (!validSignature(headers.signature, row.secret, body)) {
      log.warn({ signature: headers.signature ? 'wrong' : 'missing' }, 'WebSub push refused: its X-Hub-Signature is not this subscription’s');
      return { status: 403, body: 'X-Hub-Signature does not match' };
    }
    if (headers.self && headers.self !== row.topic) {
      log.warn({ topic: headers.self }, 'WebSub push refused: it is for another topic');
      return { status: 400, body: 'not the topic subscribed to' };
    }
    await this.deps.subscriptions.pushed(row.id, this.now());
    await this.deps.ingest(feed, body, headers.contentType ?? null);
    return { status: 200, body: '' };
  }

  private async checkPushes(feed: FeedRow, row: SubscriptionRow, poll: PolledBody): Promise<void> {
    // Only a hub that was on for the whole time since the previous poll can be said to have missed news.
    const previous = feed.last_success_at ? Date.parse(feed.last_success_at) : null;
    if (previous === null || !row.verified_at || Date.parse(row.verified_at) > previous) return;
    if (row.last_push_at && Date.parse(row.last_push_at) >= previous) return;
    const reason = `pushes from ${host(row.hub)} stopped: a poll found ${poll.fresh} new ${poll.fresh === 1 ? 'item' : 'items'} it had not pushed` +
      (row.last_push_at ? ` (last push ${row.last_push_at})` : ' (it never pushed)');
    await this.deps.subscriptions.fellBack(row.id, reason, new Date(poll.at.getTime() + RETRY_AFTER_MS));
    this.deps.log.warn({ feed: feed.id, hub: row.hub }, `${reason}; back to adaptive polling, and the hub is asked again in a day`);
  }

  private async subscribe(feed: FeedRow, hub: string, topic: string, existing: SubscriptionRow | undefined): Promise<void> {
    await this.request(await this.requested(feed, hub, topic, existing), 'subscribe');
  }

  /** Records a subscription request (the same callback and secret when the hub and topic are the same). */
  private async requested(feed: FeedRow, hub: string, topic: string, existing: SubscriptionRow | undefined): Promise<SubscriptionRow> {
    const same = existing && existing.hub === hub && existing.topic === topic;
    return this.deps.subscriptions.requested(
      feed.id,
      { hub, topic, token: same ? existing.token : randomToken(), secret: same ? existing.secret : randomToken() },
      this.now(),
    );
  }

  private async request(row: SubscriptionRow, mode: 'subscribe' | 'unsubscribe'): Promise<void> {
    const fields: Record<string, string> = { 'hub.mode': mode, 'hub.topic': row.topic, 'hub.callback': this.callbackUrl(row.token) };
    if (mode === 'subscribe') {
      fields['hub.lease_seconds'] = String(this.deps.settings.leaseSeconds);
      fields['hub.secret'] = row.secret;
    }
    const log = this.deps.log.child({ hub: row.hub, topic: row.topic });
    try {
      const answer = await this.deps.post(row.hub, fields);
      if (answer.status >= 200 && answer.status < 300) {
        log.info({ mode }, `asked the WebSub hub to ${mode}; waiting for it to verify`);
        return;
      }
      await this.refused(row, mode, `the hub answered HTTP ${answer.status}${answer.text ? `: ${answer.text.slice(0, 200)}` : ''}`, RETRY_AFTER_MS, log);
    } catch (error) {
      await this.refused(row, mode, `the hub could not be reached: ${(error as Error).message}`, UNREACHABLE_RETRY_MS, log);
    }
  }

  private async refused(row: SubscriptionRow, mode: string, error: string, retryMs: number, log: Logger): Promise<void> {
    log.warn({ mode, err: error }, 'WebSub request failed; the feed is polled');
    if (mode === 'subscribe') await this.deps.subscriptions.failed(row.id, error, new Date(this.now().getTime() + retryMs));
  }

  private callbackUrl(token: string): string {
    return `${this.deps.settings.publicUrl.replace(/\/+$/, '')}/websub/${token}`;
  }
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** X-Hub-Signature: `method=hex`, an HMAC of the body with the subscription's secret. */
function validSignature(header: string | undefined, secret: string, body: Buffer): boolean {
  const match = /^\s*(sha1|sha256|sha384|sha512)=([0-9a-f]+)\s*$/i.exec(header ?? '');
  if (!match || !SIGNATURE_METHODS.has(match[1]!.toLowerCase())) return false;
  const expected = createHmac(match[1]!.toLowerCase(), secret).update(body).digest();
  const given = Buffer.from(match[2]!.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
