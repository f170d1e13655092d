import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLinkHeader } from '../../src/feeds/link-header.ts';
import { WebSubHub, type WebSubHubOptions } from './websub-hub.ts';

const topic = 'https://blog.example.com/feed.xml';

/** The subscriber's side, as small as it gets: echoes challenges (or not, as told) and records what came. */
class Callback {
  readonly gets: URLSearchParams[] = [];
  readonly getPaths: string[] = [];
  readonly posts: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  /** 'echo' answers the challenge; a number answers that status; 'wrong' answers 200 with another body. */
  onVerify: 'echo' | 'wrong' | number = 'echo';
  onPost = 204;
  private readonly server: Server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        this.posts.push({ headers: req.headers, body: Buffer.concat(chunks) });
        return void res.writeHead(this.onPost).end();
      }
      const query = new URL(req.url!, 'http://callback').searchParams;
      this.gets.push(query);
      this.getPaths.push(req.url!);
      if (typeof this.onVerify === 'number') return void res.writeHead(this.onVerify).end(query.get('hub.challenge') ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(this.onVerify === 'echo' ? (query.get('hub.challenge') ?? '') : 'not the challenge');
    });
  });

  url(path = '/websub'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let hub: WebSubHub;
let callback: Callback;

async function start(options: WebSubHubOptions = {}): Promise<void> {
  hub = await new WebSubHub(options).listen();
}

beforeEach(async () => {
  callback = await new Callback().listen();
});
afterEach(async () => {
  await hub.close();
  await callback.close();
});

/** A subscription request as a subscriber sends it; `fetch` sets the form content type itself. */
async function request(fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(hub.url, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: response.status, text: await response.text() };
}

const subscribe = (extra: Record<string, string> = {}) => request({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback.url(), ...extra });

describe('subscribing (§5.1, §5.3)', () => {
  it('accepts with 202, verifies intent with a challenge, and records the subscription with its lease', async () => {
    await start({ defaultLeaseSeconds: 3600, now: () => Date.parse('2026-01-01T00:00:00Z') });
    expect(await subscribe({ 'hub.secret': 's3cret' })).toEqual({ status: 202, text: '' });
    await hub.idle();
    const [query] = callback.gets;
    expect(Object.fromEntries(query!)).toEqual({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.challenge': expect.any(String), 'hub.lease_seconds': '3600' });
    expect(query!.get('hub.challenge')!.length).toBeGreaterThanOrEqual(16);
    expect(hub.verifications).toEqual([expect.objectContaining({ mode: 'subscribe', topic, callback: callback.url(), status: 200, verified: true, leaseSeconds: 3600 })]);
    expect(hub.subscriptions()).toEqual([{ topic, callback: callback.url(), secret: 's3cret', leaseSeconds: 3600, expiresAt: new Date('2026-01-01T01:00:00Z') }]);
    expect(hub.requests).toEqual([expect.objectContaining({ mode: 'subscribe', topic, secret: 's3cret', leaseSeconds: null, status: 202 })]);
  });

  it('keeps the callback’s own query string and appends its parameters with &', async () => {
    await start();
    const withQuery = callback.url('/websub?feed=7&name=a%20b');
    await request({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': withQuery });
    await hub.idle();
    expect(callback.getPaths[0]).toMatch(/^\/websub\?feed=7&name=a%20b&hub\.mode=subscribe&/);
    expect(hub.subscriptions().map((s) => s.callback)).toEqual([withQuery]);
  });

  it('records nothing when the callback does not echo the challenge exactly, or fails', async () => {
    await start();
    callback.onVerify = 'wrong';
    await subscribe();
    await hub.idle();
    callback.onVerify = 404;
    await subscribe();
    await hub.idle();
    expect(hub.verifications.map((v) => [v.status, v.verified])).toEqual([
      [200, false],
      [404, false],
    ]);
    expect(hub.subscriptions()).toEqual([]);
  });

  it('clamps the lease asked for to its bounds, and grants the default when none is asked', async () => {
    await start({ minLeaseSeconds: 300, maxLeaseSeconds: 86_400, defaultLeaseSeconds: 7200 });
    for (const lease of ['10', '999999', '3600', null]) {
      await subscribe(lease === null ? {} : { 'hub.lease_seconds': lease });
      await hub.idle();
    }
    expect(callback.gets.map((query) => query.get('hub.lease_seconds'))).toEqual(['300', '86400', '3600', '7200']);
    expect(hub.subscriptions()).toEqual([expect.objectContaining({ leaseSeconds: 7200 })]);
  });

  it('lets a subscription lapse when its lease runs out', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    await start({ defaultLeaseSeconds: 600, now: () => now });
    await subscribe();
    await hub.idle();
    now += 599_000;
    expect(hub.subscriptions()).toHaveLength(1);
    now += 1000;
    expect(hub.subscriptions()).toEqual([]);
    expect(await hub.publish(topic, '<feed/>', 'application/atom+xml')).toEqual([]);
  });

  it('refuses a malformed request with 400 and a reason, and verifies nothing', async () => {
    await start();
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'hub.mode': 'follow', 'hub.topic': topic, 'hub.callback': callback.url() }, /hub\.mode/],
      [{ 'hub.mode': 'subscribe', 'hub.callback': callback.url() }, /hub\.topic is missing/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': 'feed.xml', 'hub.callback': callback.url() }, /hub\.topic must be an absolute/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': topic }, /hub\.callback is missing/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': 'ftp://x/' }, /hub\.callback must be an absolute/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback.url(), 'hub.lease_seconds': '-5' }, /hub\.lease_seconds/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback.url(), 'hub.lease_seconds': '0' }, /hub\.lease_seconds/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback.url(), 'hub.secret': 'é'.repeat(100) }, /less than 200 bytes/],
    ];
    for (const [fields, reason] of cases) {
      const answer = await request(fields);
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      expect(answer.text).toMatch(reason);
    }
    const json = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 'hub.mode': 'subscribe' }) });
    expect([json.status, await json.text()]).toEqual([400, 'the request body must be application/x-www-form-urlencoded']);
    expect(await subscribe({ 'hub.secret': 'x'.repeat(199) })).toMatchObject({ status: 202 });
    await hub.idle();
    expect(callback.gets).toHaveLength(1);
    expect(hub.requests.map((r) => r.status)).toEqual([...cases.map(() => 400), 400, 202]);
  });

  it('answers the status it is told to refuse with, and verifies nothing', async () => {
    await start({ refuse: 503 });
    expect((await subscribe()).status).toBe(503);
    await hub.idle();
    expect(callback.gets).toEqual([]);
    hub.refuse = null;
    expect((await subscribe()).status).toBe(202);
  });
});

describe('denial (§5.2)', () => {
  it('tells the callback a denied topic was denied, with a reason, and records no subscription', async () => {
    await start({ denyTopics: [topic], denyReason: 'not on this hub' });
    expect((await subscribe()).status).toBe(202);
    await hub.idle();
    expect(Object.fromEntries(callback.gets[0]!)).toEqual({ 'hub.mode': 'denied', 'hub.topic': topic, 'hub.reason': 'not on this hub' });
    expect(hub.verifications).toEqual([expect.objectContaining({ mode: 'denied', verified: false, challenge: null, status: 200 })]);
    expect(hub.subscriptions()).toEqual([]);
  });

  it('can deny a subscription that was granted, ending it', async () => {
    await start();
    await subscribe();
    await hub.idle();
    await hub.deny(topic, callback.url(), 'the publisher left');
    expect(callback.gets.at(-1)!.get('hub.mode')).toBe('denied');
    expect(hub.subscriptions()).toEqual([]);
  });
});

describe('unsubscribing', () => {
  it('verifies intent without a lease, then ends the subscription', async () => {
    await start();
    await subscribe();
    await hub.idle();
    // An unsubscription's lease is ignored, whatever it says (§5.1).
    expect((await request({ 'hub.mode': 'unsubscribe', 'hub.topic': topic, 'hub.callback': callback.url(), 'hub.lease_seconds': 'never' })).status).toBe(202);
    await hub.idle();
    expect(callback.gets[1]!.get('hub.mode')).toBe('unsubscribe');
    expect(callback.gets[1]!.has('hub.lease_seconds')).toBe(false);
    expect(hub.subscriptions()).toEqual([]);
  });

  it('keeps the subscription when the callback does not confirm the unsubscription', async () => {
    await start();
    await subscribe();
    await hub.idle();
    callback.onVerify = 'wrong';
    await request({ 'hub.mode': 'unsubscribe', 'hub.topic': topic, 'hub.callback': callback.url() });
    await hub.idle();
    expect(hub.subscriptions()).toHaveLength(1);
  });
});

describe('content distribution (§7, §7.1)', () => {
  /** What a subscriber does with X-Hub-Signature: recompute the HMAC and compare in constant time. */
  const verifySignature = (header: string | string[] | undefined, secret: string, body: Buffer): boolean => {
    const [algorithm, hex] = (typeof header === 'string' ? header : '').split('=');
    const expected = createHmac(algorithm!, secret).update(body).digest();
    const given = Buffer.from(hex ?? '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  it('POSTs the content with its type, the hub and self Link headers, and an HMAC signature', async () => {
    await start();
    await subscribe({ 'hub.secret': 'the secret' });
    await hub.idle();
    const content = '<feed xmlns="http://www.w3.org/2005/Atom"><title>Új</title></feed>';
    expect(await hub.publish(topic, content, 'application/atom+xml; charset=utf-8')).toEqual([{ callback: callback.url(), status: 204 }]);
    const [post] = callback.posts;
    expect(post!.body.toString('utf8')).toBe(content);
    expect(post!.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(parseLinkHeader(post!.headers.link, callback.url())).toEqual([
      { href: hub.url, rels: ['hub'] },
      { href: topic, rels: ['self'] },
    ]);
    expect(post!.headers['x-hub-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(post!.headers['x-hub-signature'], 'the secret', post!.body)).toBe(true);
  });

  it('signs with the algorithm it is given, and can send a signature that does not match', async () => {
    await start({ signatureAlgorithm: 'sha512' });
    await subscribe({ 'hub.secret': 'k' });
    await hub.idle();
    await hub.publish(topic, 'one', 'text/plain');
    await hub.publish(topic, 'two', 'text/plain', { tamper: true });
    const [honest, forged] = callback.posts;
    expect(honest!.headers['x-hub-signature']).toMatch(/^sha512=[0-9a-f]{128}$/);
    expect(verifySignature(honest!.headers['x-hub-signature'], 'k', honest!.body)).toBe(true);
    expect(forged!.body.toString()).toBe('two');
    expect(verifySignature(forged!.headers['x-hub-signature'], 'k', forged!.body)).toBe(false);
  });

  it('sends no signature to a subscription without a secret, and reaches only the topic’s subscribers', async () => {
    await start();
    await subscribe();
    await request({ 'hub.mode': 'subscribe', 'hub.topic': 'https://other.example/feed', 'hub.callback': callback.url('/other') });
    await hub.idle();
    await hub.publish(topic, 'hello', 'text/plain');
    expect(callback.posts).toHaveLength(1);
    expect(callback.posts[0]!.headers['x-hub-signature']).toBeUndefined();
  });

  it('replaces a subscription renewed with a new secret', async () => {
    await start();
    await subscribe({ 'hub.secret': 'old' });
    await hub.idle();
    await subscribe({ 'hub.secret': 'new' });
    await hub.idle();
    expect(hub.subscriptions().map((s) => s.secret)).toEqual(['new']);
  });

  it('ends a subscription whose callback answers 410 Gone, and reports one it cannot reach', async () => {
    await start();
    await subscribe();
    await hub.idle();
    callback.onPost = 410;
    expect(await hub.publish(topic, 'x', 'text/plain')).toEqual([{ callback: callback.url(), status: 410 }]);
    expect(hub.subscriptions()).toEqual([]);
    await subscribe();
    await hub.idle();
    const unreachable = callback.url();
    await callback.close();
    expect(await hub.publish(topic, 'x', 'text/plain')).toEqual([{ callback: unreachable, status: null }]);
    callback = await new Callback().listen();
  });

  it('pushes to a callback that never subscribed, with the headers it is given', async () => {
    await start();
    const status = await hub.pushTo(callback.url('/never'), 'unasked', { 'content-type': 'text/plain', 'x-hub-signature': 'sha256=00' });
    expect(status).toBe(204);
    expect(callback.posts[0]).toMatchObject({ headers: { 'content-type': 'text/plain', 'x-hub-signature': 'sha256=00' } });
    expect(hub.verifications).toEqual([]);
  });
});
