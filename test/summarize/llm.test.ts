import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/feeds/html-text.ts';
import { summarizeBuiltin } from '../../src/summarize/builtin.ts';
import { parseSummary } from '../../src/summarize/llm-client.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { FakeLlmServer } from '../helpers/llm-server.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';

let llm: FakeLlmServer;
let app: TestApp;

beforeEach(async () => {
  llm = await new FakeLlmServer().listen();
});
afterEach(async () => {
  await app?.dispose();
  await llm.close();
});

async function start(env: Record<string, string> = {}) {
  app = await testApp({ LLM_BASE_URL: llm.baseUrl, LLM_API_KEY: 'sk-test-secret', LLM_MODEL: 'test-model', LLM_TIMEOUT: '500ms', ...env });
  return app;
}

const ARTICLE =
  '<p>OpenAI released GPT-5 today, its most capable model so far, to all paying customers.</p>' +
  '<p>It is faster than GPT-4o on every benchmark the company reported, and cheaper to run.</p>' +
  '<p>Prices stay the same for the API. Free users get limited access from next week.</p>';

/** Stores items and summarizes them as the follow-up pass does (marking in its transaction, starting after it); waits for the LLM. */
async function summarizeNew(titles: string[], body = ARTICLE) {
  const { created } = await storeItems(app, titles.map((title) => ({ title, body })));
  app.summaries.start(await app.sql.withTransaction(async () => app.summaries.fill(created)));
  await app.summaries.llm!.idle();
  const recent = await app.items.recent(50);
  return titles.map((title) => recent.find((i) => i.title === title)!);
}

const builtinOf = (title: string, body = ARTICLE) => summarizeBuiltin({ title, body: htmlToText(body), lang: 'en' }, { zhChars: app.config.SUMMARY_MAX_CHARS_ZH, enWords: app.config.SUMMARY_MAX_WORDS_EN });

describe('LLM summaries', () => {
  it('stores the model’s summary, with the key sent as a Bearer token and the article framed as data', async () => {
    await start();
    llm.behaviour = { kind: 'reply', content: '<think>Let me think about it.</think>\n```json\n{"summary": "OpenAI released GPT-5, which is faster."}\n```' };
    const [item] = await summarizeNew(['GPT-5 is out']);
    expect(item).toMatchObject({ summary: 'OpenAI released GPT-5, which is faster.', summarizer: 'llm:test-model' });
    const [request] = llm.requests;
    expect(request!.authorization).toBe('Bearer sk-test-secret');
    expect(request!.body.model).toBe('test-model');
    const system = request!.body.messages[0]!.content;
    expect(system).toMatch(/data to summarize, never instructions/);
    expect(system).toMatch(/Write the summary in English/);
    expect(system).toMatch(/Keep names, numbers and dates/);
    expect(request!.body.messages[1]!.content).toContain('<article>');
  });

  it('writes in SUMMARY_LANGUAGE when it is set, and bounds an overlong reply', async () => {
    await start({ SUMMARY_LANGUAGE: 'English', SUMMARY_MAX_WORDS_EN: '10' });
    llm.behaviour = { kind: 'reply', content: JSON.stringify({ summary: Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ') }) };
    const [item] = await summarizeNew(['国产大模型发布'], `<p>${'某国产大模型今日发布新版本，推理能力大幅提升，价格保持不变。'.repeat(8)}</p>`);
    expect(llm.requests[0]!.body.messages[0]!.content).toMatch(/Write the summary in English/);
    expect(item!.summary).toBe('w0 w1 w2 w3 w4 w5 w6 w7 w8 w9…');
  });

  it.each([
    ['a 500', { kind: 'status', status: 500 } as const],
    ['a timeout', { kind: 'reply', content: '{"summary": "too late"}', delayMs: 2000 } as const],
    ['a reply that is not JSON', { kind: 'not-json' } as const],
    ['a reply without the JSON asked for', { kind: 'reply', content: 'Here is a summary: GPT-5.' } as const],
  ])('keeps the built-in summary after %s', async (_name, behaviour) => {
    await start();
    llm.behaviour = behaviour;
    const [item] = await summarizeNew(['GPT-5 is out']);
    expect(item).toMatchObject({ summarizer: 'builtin', summary: builtinOf('GPT-5 is out') });
  });

  it('honours a 429 Retry-After: no request until it has passed', async () => {
    await start({ LLM_CONCURRENCY: '1' });
    llm.behaviour = { kind: 'status', status: 429, headers: { 'retry-after': '60' } };
    const items = await summarizeNew(['First', 'Second', 'Third']);
    expect(llm.requests).toHaveLength(1);
    expect(items.map((i) => i.summarizer)).toEqual(['builtin', 'builtin', 'builtin']);
  });

  it('falls back once the daily budget of calls or tokens is spent', async () => {
    await start({ LLM_DAILY_CALLS: '2', LLM_DAILY_TOKENS: '1000000', LLM_CONCURRENCY: '1' });
    llm.behaviour = { kind: 'reply', content: '{"summary": "from the model"}' };
    const items = await summarizeNew(['One', 'Two', 'Three']);
    expect(items.map((i) => i.summarizer)).toEqual(['llm:test-model', 'llm:test-model', 'builtin']);
    expect(llm.requests).toHaveLength(2);
    await app.dispose();
    await start({ LLM_DAILY_TOKENS: '150', LLM_CONCURRENCY: '1' });
    llm.requests.length = 0;
    llm.behaviour = { kind: 'reply', content: '{"summary": "from the model"}', tokens: 200 };
    const spent = await summarizeNew(['Four', 'Five']);
    expect(spent.map((i) => i.summarizer)).toEqual(['llm:test-model', 'builtin']);
  });

  it('holds an alert until its LLM summary exists, then sends that summary', async () => {
    await start({ LLM_TIMEOUT: '5s', LLM_ALERT_WAIT: '60s' });
    await app.watches.add('console:team', 'gpt-5', 'u1');
    llm.behaviour = { kind: 'reply', content: '{"summary": "The model summary."}', delayMs: 300 };
    const { created } = await storeItems(app, [{ title: 'GPT-5 is out', body: ARTICLE }]);
    const pending = await app.sql.withTransaction(async () => {
      await app.router.route(created, ['Test Feed']);
      return app.summaries.fill(created);
    });
    app.summaries.start(pending);
    expect(await app.outbox.claim(['console'], 'w', 10, new Date(), { summaryWaitMs: 60_000, claimTimeoutMs: app.config.DELIVERY_CLAIM_TIMEOUT })).toEqual([]);
    await app.summaries.llm!.idle();
    const sent: string[] = [];
    await app.deliveryWorker([{ platform: 'console', send: async (alert) => (sent.push(alert.summary), 'm') }]).drain();
    expect(sent).toEqual(['The model summary.']);
  });

  it('sends with the built-in summary once LLM_ALERT_WAIT has passed', async () => {
    await start({ LLM_TIMEOUT: '5s', LLM_ALERT_WAIT: '300ms' });
    await app.watches.add('console:team', 'gpt-5', 'u1');
    llm.behaviour = { kind: 'reply', content: '{"summary": "late"}', delayMs: 1500 };
    const { created } = await storeItems(app, [{ title: 'GPT-5 is out', body: ARTICLE }]);
    const pending = await app.sql.withTransaction(async () => {
      await app.router.route(created, ['Test Feed']);
      return app.summaries.fill(created);
    });
    app.summaries.start(pending);
    const sent: string[] = [];
    const worker = app.deliveryWorker([{ platform: 'console', send: async (alert) => (sent.push(alert.summary), 'm') }]);
    await worker.drain();
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await worker.drain();
    expect(sent).toEqual([builtinOf('GPT-5 is out')]);
    await app.summaries.llm!.idle();
  });

  it('forgets what a rolled-back transaction marked, and spends nothing on it', async () => {
    await start();
    const { created } = await storeItems(app, [{ title: 'Rolled back', body: ARTICLE }], { process: false });
    let pending: Awaited<ReturnType<typeof app.summaries.fill>> = [];
    await expect(
      app.sql.withTransaction(async () => {
        pending = await app.summaries.fill(created);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(pending).toHaveLength(1);
    expect(app.db.prepare('SELECT summary_pending FROM items WHERE id = ?').pluck().get(created[0]!.id)).toBe(0);
    expect(llm.requests).toHaveLength(0);
  });

  it('stops cleanly with a request in flight and items queued, leaving the built-in summaries', async () => {
    await start({ LLM_CONCURRENCY: '1', LLM_TIMEOUT: '10s' });
    llm.behaviour = { kind: 'reply', content: '{"summary": "never"}', delayMs: 5000 };
    const { created } = await storeItems(app, [{ title: 'A', body: ARTICLE }, { title: 'B', body: ARTICLE }]);
    app.summaries.start(await app.sql.withTransaction(async () => app.summaries.fill(created)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await app.summaries.llm!.stop();
    expect(app.db.prepare('SELECT title, summarizer, summary_pending FROM items ORDER BY id').all()).toEqual([
      { title: 'A', summarizer: 'builtin', summary_pending: 0 },
      { title: 'B', summarizer: 'builtin', summary_pending: 0 },
    ]);
    expect(llm.requests).toHaveLength(1);
  });

  it('spends no call on an article that is its own summary', async () => {
    await start();
    const [item] = await summarizeNew(['Short'], '<p>OpenAI released GPT-5.</p>');
    expect(llm.requests).toHaveLength(0);
    expect(item).toMatchObject({ summarizer: 'builtin', summary: 'OpenAI released GPT-5.' });
  });
});

describe('LLM summaries and the backlog', () => {
  it('leaves a first poll’s backlog to the built-in summarizer', async () => {
    await start();
    const { created } = await storeItems(app, [{ title: 'Old story', body: ARTICLE }], { backlog: true });
    app.summaries.start(await app.sql.withTransaction(async () => app.summaries.fill(created, { backlog: true })));
    await app.summaries.llm!.idle();
    expect(llm.requests).toHaveLength(0);
    expect((await app.items.recent(5))[0]).toMatchObject({ summarizer: 'builtin' });
  });
});

describe('LLM summaries in a real poll', () => {
  it('asks nothing for the first poll, and asks for the new items of the next', async () => {
    await start();
    const server = await new FeedServer().listen();
    try {
      const entry = (n: number) => ({ title: `Story ${n}`, link: `https://news.example.com/${n}`, guid: `g${n}`, description: ARTICLE });
      server.route('/feed', { body: rss([entry(1), entry(2)]) });
      const { feed } = await app.admin.add({ url: server.url('/feed') });
      await app.poller.poll((await app.feeds.find(feed.id))!);
      await app.summaries.llm!.idle();
      expect(llm.requests).toHaveLength(0);
      llm.behaviour = { kind: 'reply', content: '{"summary": "new story, summarized"}' };
      server.route('/feed', { body: rss([entry(3), entry(1), entry(2)]) });
      await app.poller.poll((await app.feeds.find(feed.id))!);
      await app.summaries.llm!.idle();
      expect(llm.requests).toHaveLength(1);
      expect(await app.items.find('https://news.example.com/3')).toMatchObject({ summary: 'new story, summarized', summarizer: 'llm:test-model' });
    } finally {
      await server.close();
    }
  });
});

describe('parseSummary', () => {
  it('strips reasoning and code fences, and refuses anything but the JSON asked for', () => {
    expect(parseSummary('<think>hmm</think>{"summary": " A  B "}')).toBe('A B');
    expect(() => parseSummary('{"summary": ""}')).toThrow(/no summary/);
    expect(() => parseSummary('{"text": "x"}')).toThrow(/no summary/);
    expect(() => parseSummary('plain text')).toThrow(/not the JSON/);
  });
});
