import { createHmac, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A WebSub hub on 127.0.0.1 that follows the W3C recommendation (https://www.w3.org/TR/websub/), for
 * testing a subscriber against the protocol rather than against our own idea of it: subscription
 * requests (§5.1), the denial (§5.2) or verification of intent (§5.3) sent to the callback, and content
 * distribution with Link headers and an HMAC signature (§7, §7.1). It verifies every request it
 * accepts once its 202 is sent, never before; `idle()` waits for those. It does not retry a failed
 * delivery, which a real hub should.
 */
export class WebSubHub {
  /** Every subscription request received, whatever was answered. */
  readonly requests: HubRequest[] = [];
  /** Every verification of intent and every denial sent, once its answer (or failure) is known. */
  readonly verifications: Verification[] = [];
  /** Answer subscription requests with this status instead of accepting them (a hub that is down, say). */
  refuse: number | null;
  /** Topics this hub denies subscriptions to. */
  readonly denyTopics: Set<string>;
  private readonly options: Required<Omit<WebSubHubOptions, 'refuse' | 'denyTopics'>>;
  private readonly active = new Map<string, Subscription>();
  private readonly pending = new Set<Promise<void>>();
  private readonly outgoing = new AbortController();
  private server: Server | null = null;

  constructor(options: WebSubHubOptions = {}) {
    const { refuse = null, denyTopics = [], ...rest } = options;
    this.refuse = refuse;
    this.denyTopics = new Set(denyTopics);
    this.options = { ...DEFAULTS, ...rest };
  }

  /** The hub URL subscribers POST to. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async listen(): Promise<this> {
    // A request whose sender went away mid-body has nothing to answer.
    this.server = http.createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Stops at once: verifications and deliveries on their way are abandoned. */
  async close(): Promise<void> {
    this.outgoing.abort();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves once every verification or denial started so far has been answered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** The verified subscriptions whose lease has not run out. */
  subscriptions(): Subscription[] {
    const now = this.options.now();
    return [...this.active.values()].filter((subscription) => subscription.expiresAt.getTime() > now);
  }

  /**
   * Distributes content to every subscriber of `topic` (§7): a POST of `body` with one Link header
   * naming the hub and the topic, signed with each subscription's secret (§7.1). `tamper` sends
   * signatures that do not match, as a forger would. A 410 Gone ends that subscription, as §7 allows.
   */
  async publish(topic: string, body: string | Buffer, contentType: string, options: { tamper?: boolean } = {}): Promise<Delivery[]> {
    const content = typeof body === 'string' ? Buffer.from(body) : body;
    const subscribers = this.subscriptions().filter((subscription) => subscription.topic === topic);
    return Promise.all(
      subscribers.map(async ({ callback, secret }) => {
        const headers: Record<string, string> = { 'content-type': contentType, link: `<${this.url}>; rel="hub", <${topic}>; rel="self"` };
        if (secret !== null) headers['x-hub-signature'] = this.signature(secret, options.tamper ? Buffer.concat([content, Buffer.from('tampered')]) : content);
        const status = await send('POST', callback, headers, content, this.outgoing.signal).then(
          (answer) => answer.status,
          () => null,
        );
        if (status === 410) this.active.delete(key(topic, callback));
        return { callback, status };
      }),
    );
  }

  /** POSTs to any callback, verified or not, as a stranger could: for tests of what a subscriber refuses. */
  async pushTo(callback: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
    return (await send('POST', callback, headers, typeof body === 'string' ? Buffer.from(body) : body, this.outgoing.signal)).status;
  }

  /** Denies a subscription at any time (§5.2): the callback is told, and the subscription ends. */
  async deny(topic: string, callback: string, reason = 'denied by the hub'): Promise<void> {
    this.active.delete(key(topic, callback));
    await this.track(this.sendDenial(topic, callback, reason));
  }

  /** The `X-Hub-Signature` value for `content` signed with `secret`, by this hub's algorithm. */
  signature(secret: string, content: Buffer): string {
    const algorithm = this.options.signatureAlgorithm;
    return `${algorithm}=${createHmac(algorithm, secret).update(content).digest('hex')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if ((req.url ?? '/').split('?')[0] !== '/') return void res.writeHead(404).end('not found');
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end('the hub takes POST');
    const fields = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    const contentType = req.headers['content-type'] ?? null;
    const request: HubRequest = {
      mode: fields['hub.mode'] ?? null,
      topic: fields['hub.topic'] ?? null,
      callback: fields['hub.callback'] ?? null,
      leaseSeconds: fields['hub.lease_seconds'] ?? null,
      secret: fields['hub.secret'] ?? null,
      fields,
      contentType,
      status: 202,
    };
    this.requests.push(request);
    const answer = (status: number, text = '') => {
      request.status = status;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    };
    if (this.refuse !== null) return answer(this.refuse, 'the hub refuses subscriptions for now');
    const problem = invalid(request);
    if (problem) return answer(400, problem);
    const accepted = { ...request, secret: request.secret || null } as AcceptedRequest;
    // Verification follows the 202, never before it (§5.1.2: it logically begins after the answer).
    const sent = new Promise<void>((resolve) => res.once('close', resolve));
    answer(202);
    void this.track(sent.then(() => this.verify(accepted)));
  }

  private async verify(request: AcceptedRequest): Promise<void> {
    const { mode, topic, callback } = request;
    if (mode === 'subscribe' && this.denyTopics.has(topic)) {
      this.active.delete(key(topic, callback));
      return this.sendDenial(topic, callback, this.options.denyReason);
    }
    const lease = mode === 'subscribe' ? this.grantLease(request.leaseSeconds) : null;
    // The lease runs from when the verification is sent (§5.3).
    const sentAt = this.options.now();
    const challenge = randomBytes(18).toString('base64url');
    const query: Record<string, string> = { 'hub.mode': mode, 'hub.topic': topic, 'hub.challenge': challenge };
    if (lease !== null) query['hub.lease_seconds'] = String(lease);
    const answer = await send('GET', withQuery(callback, query), {}, null, this.outgoing.signal).catch(() => null);
    const verified = answer !== null && answer.status >= 200 && answer.status < 300 && answer.body.toString('utf8') === challenge;
    this.verifications.push({ mode, topic, callback, challenge, leaseSeconds: lease, status: answer?.status ?? null, verified });
    if (!verified) return;
    if (mode === 'unsubscribe') return void this.active.delete(key(topic, callback));
    const expiresAt = new Date(sentAt + lease! * 1000);
    this.active.set(key(topic, callback), { topic, callback, secret: request.secret, leaseSeconds: lease!, expiresAt });
  }

  private async sendDenial(topic: string, callback: string, reason: string): Promise<void> {
    const query = { 'hub.mode': 'denied', 'hub.topic': topic, 'hub.reason': reason };
    const answer = await send('GET', withQuery(callback, query), {}, null, this.outgoing.signal).catch(() => null);
    this.verifications.push({ mode: 'denied', topic, callback, challenge: null, leaseSeconds: null, status: answer?.status ?? null, verified: false, reason });
  }

  /** The lease asked for, or the default, within the hub's bounds (§5.3.1: the hub decides the lease). */
  private grantLease(requested: string | null): number {
    const { minLeaseSeconds, maxLeaseSeconds, defaultLeaseSeconds } = this.options;
    const wanted = requested ? Number(requested) : defaultLeaseSeconds;
    return Math.min(maxLeaseSeconds, Math.max(minLeaseSeconds, wanted));
  }

  private async track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    try {
      await work;
    } finally {
      this.pending.delete(work);
    }
  }
}

export interface WebSubHubOptions {
  /** The lease granted when a subscriber asks for none; 10 days by default. */
  defaultLeaseSeconds?: number;
  /** The bounds a requested lease is clamped to; 60 s and 30 days by default. */
  minLeaseSeconds?: number;
  maxLeaseSeconds?: number;
  /** Topics whose subscriptions the hub denies (§5.2), and the reason it gives. */
  denyTopics?: Iterable<string>;
  denyReason?: string;
  /** How content is signed for subscriptions with a secret (§7.1.1); sha256 by default. */
  signatureAlgorithm?: SignatureAlgorithm;
  /** Answer every subscription request with this status. */
  refuse?: number | null;
  /** The hub's clock, in ms since the epoch: leases run out by it. */
  now?: () => number;
}

export type SignatureAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A subscription request as received: each `hub.*` field as sent (null when absent), and the hub's answer. */
export interface HubRequest {
  mode: string | null;
  topic: string | null;
  callback: string | null;
  leaseSeconds: string | null;
  secret: string | null;
  fields: Record<string, string>;
  contentType: string | null;
  status: number;
}

export interface Verification {
  mode: 'subscribe' | 'unsubscribe' | 'denied';
  topic: string;
  callback: string;
  /** The challenge sent; a denial sends none. */
  challenge: string | null;
  /** The lease granted, sent with a subscribe's verification only. */
  leaseSeconds: number | null;
  /** The callback's status; null when it could not be reached. */
  status: number | null;
  /** Whether the callback answered 2xx with exactly the challenge; always false for a denial. */
  verified: boolean;
  reason?: string;
}

export interface Subscription {
  topic: string;
  callback: string;
  secret: string | null;
  leaseSeconds: number;
  expiresAt: Date;
}

export interface Delivery {
  callback: string;
  /** The callback's status; null when it could not be reached. */
  status: number | null;
}

type AcceptedRequest = { mode: 'subscribe' | 'unsubscribe'; topic: string; callback: string; leaseSeconds: string | null; secret: string | null };

const DEFAULTS = {
  defaultLeaseSeconds: 10 * 86_400,
  minLeaseSeconds: 60,
  maxLeaseSeconds: 30 * 86_400,
  denyReason: 'the hub does not serve this topic',
  signatureAlgorithm: 'sha256' as SignatureAlgorithm,
  now: () => Date.now(),
};

/** §5.1's requirements of a subscription request, as the reason for a 400, or null when it may be verified. */
function invalid(request: HubRequest): string | null {
  const type = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return 'the request body must be application/x-www-form-urlencoded';
  if (request.mode !== 'subscribe' && request.mode !== 'unsubscribe') return 'hub.mode must be subscribe or unsubscribe';
  if (!request.topic) return 'hub.topic is missing';
  if (!isHttpUrl(request.topic)) return 'hub.topic must be an absolute http(s) URL';
  if (!request.callback) return 'hub.callback is missing';
  if (!isHttpUrl(request.callback)) return 'hub.callback must be an absolute http(s) URL';
  // An unsubscription's lease is ignored, whatever it says.
  if (request.mode === 'subscribe' && request.leaseSeconds !== null && !/^0*[1-9]\d*$/.test(request.leaseSeconds)) {
    return 'hub.lease_seconds must be a positive whole number of seconds';
  }
  if (request.secret !== null && Buffer.byteLength(request.secret) >= 200) return 'hub.secret must be less than 200 bytes';
  return null;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

function key(topic: string, callback: string): string {
  return `${topic}\n${callback}`;
}

/** The callback with the hub's parameters appended with `&`, its own query left as it is (§5.1.1). */
function withQuery(callback: string, params: Record<string, string>): string {
  const [address] = callback.split('#');
  return `${address}${address!.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One request on a connection of its own (no pooled sockets to outlive a test), with its whole answer. */
function send(method: string, url: string, headers: Record<string, string>, body: Buffer | null, signal: AbortSignal): Promise<{ status: number; body: Buffer }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, agent: false, signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) }, (res) => {
      readBody(res).then((content) => resolve({ status: res.statusCode ?? 0, body: content }), reject);
    });
    req.once('error', reject);
    req.end(body ?? undefined);
  });
}
