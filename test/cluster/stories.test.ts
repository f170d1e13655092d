import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask as askApp } from '../helpers/ask.ts';
import { parseSearchQuery } from '../../src/search/query.ts';
import { PlatformError, type Alert, type AlertSender, type StoryUpdate } from '../../src/delivery/port.ts';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

let server: FeedServer;
let app: TestApp;
let ithome: NewsFeed;
let qbit: NewsFeed;
let verge: NewsFeed;
let printed: string[];

const ask = (text: string, channel = 'console:team') => askApp(app, text, { channel, admin: true });
const deliver = () => app.deliveryWorker([new ConsoleSender((text) => printed.push(text))]).drain();
const rows = () => app.db.prepare('SELECT id, kind, item_id, story_id, parent_id, status, next_attempt_at FROM outbox ORDER BY id').all() as {
  id: number;
  kind: string;
  item_id: number;
  story_id: number;
  parent_id: number | null;
  status: string;
  next_attempt_at: string;
}[];
const itemByTitle = (title: string) => app.db.prepare('SELECT id, story_id, story_via, story_reason FROM items WHERE title = ?').get(title) as {
  id: number;
  story_id: number;
  story_via: number | null;
  story_reason: string | null;
};

const GPT5_ZH = 'OpenAI正式发布GPT-5：推理能力大幅提升，免费用户也能用';
const GPT5_ZH_2 = '刚刚，OpenAI发布GPT-5！推理能力大幅提升，免费用户可用';
const GPT5_EN = 'OpenAI launches GPT-5, its new flagship model, free for all ChatGPT users';

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = await testApp({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '0s', STORY_MAX_UPDATES: '3' });
  printed = [];
  ithome = new NewsFeed(server, 'IT之家', '/ithome');
  qbit = new NewsFeed(server, '量子位', '/qbit');
  verge = new NewsFeed(server, 'The Verge', '/verge');
  for (const feed of [ithome, qbit, verge]) await feed.subscribe(app);
  await ask('watch GPT-5');
});

afterEach(async () => {
  await app.dispose();
  await server.close();
});

/** A console-platform sender whose next alerts or updates fail as scripted. */
class ScriptedSender implements AlertSender {
  readonly platform = 'console' as const;
  readonly sent: (Alert | StoryUpdate)[] = [];
  readonly failAlerts: PlatformError[] = [];
  readonly failUpdates: PlatformError[] = [];

  async send(alert: Alert): Promise<string> {
    const failure = this.failAlerts.shift();
    if (failure) throw failure;
    this.sent.push(alert);
    return `m${this.sent.length}`;
  }

  async sendUpdate(update: StoryUpdate): Promise<string> {
    const failure = this.failUpdates.shift();
    if (failure) throw failure;
    this.sent.push(update);
    return `m${this.sent.length}`;
  }
}

describe('stories', () => {
  it('alerts a channel once per story, and tells it of later sources in one update', async () => {
    await ithome.publish(app, GPT5_ZH, '<p>OpenAI今天凌晨发布了GPT-5模型。</p>');
    expect(rows()).toMatchObject([{ kind: 'alert', status: 'pending' }]);
    expect(await deliver()).toBe(1);
    expect(printed[0]).toContain(GPT5_ZH);

    // The same story from another Chinese outlet and from an English one: no new alert, one update.
    expect((await qbit.publish(app, GPT5_ZH_2, '<p>就在刚刚，OpenAI发布了GPT-5。</p>')).alerts).toBe(0);
    expect((await verge.publish(app, GPT5_EN, '<p>OpenAI released GPT-5 on Thursday.</p>')).alerts).toBe(0);
    const lead = itemByTitle(GPT5_ZH);
    expect(itemByTitle(GPT5_ZH_2)).toMatchObject({ story_id: lead.id, story_via: lead.id });
    expect(itemByTitle(GPT5_EN)).toMatchObject({ story_id: lead.id });
    expect(rows()).toMatchObject([
      { kind: 'alert', status: 'sent' },
      { kind: 'update', status: 'pending', parent_id: rows()[0]!.id },
    ]);
    expect(await deliver()).toBe(1);
    expect(printed[1]).toMatch(/story #\d+ .* also covered by 量子位, The Verge/);
    expect(printed[1]).toContain(GPT5_EN);
  });

  it('names the sources already known when the alert goes out, and sends no update for them', async () => {
    await ithome.publish(app, GPT5_ZH);
    await verge.publish(app, GPT5_EN);
    expect(rows()).toHaveLength(1);
    await deliver();
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('also covered by The Verge');
  });

  it('skips an update whose sources the alert already named', async () => {
    await ithome.publish(app, GPT5_ZH);
    // The alert was tried (and failed) before the next source came: an update is queued, but the
    // alert's successful attempt names the new source itself.
    const alert = rows()[0]!;
    app.db.prepare("UPDATE outbox SET status = 'retrying', attempts = 1 WHERE id = ?").run(alert.id);
    await verge.publish(app, GPT5_EN);
    expect(rows().map((r) => r.kind)).toEqual(['alert', 'update']);
    await deliver();
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('also covered by The Verge');
    expect(rows()[1]).toMatchObject({ kind: 'update', status: 'skipped' });
  });

  it('spaces updates out and stops at STORY_MAX_UPDATES', async () => {
    await app.dispose();
    app = await testApp({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '1h', STORY_MAX_UPDATES: '2' });
    const feeds = Array.from({ length: 6 }, (_, i) => new NewsFeed(server, `Outlet ${i}`, `/outlet${i}`));
    for (const feed of [ithome, ...feeds]) await feed.subscribe(app);
    await ask('watch GPT-5');
    await ithome.publish(app, GPT5_ZH);
    await deliver();
    // Twenty sources must not become twenty messages: sources arriving while an update waits join it.
    await feeds[0]!.publish(app, GPT5_ZH_2);
    await feeds[1]!.publish(app, `${GPT5_ZH_2}（附体验）`);
    expect(rows().filter((r) => r.kind === 'update')).toHaveLength(1);
    await deliver();
    expect(printed[1]).toMatch(/also covered by Outlet 0, Outlet 1/);
    const firstUpdate = app.db.prepare("SELECT sent_at FROM outbox WHERE kind = 'update'").pluck().get() as string;

    // The next update waits STORY_UPDATE_INTERVAL after the first, gathering what comes meanwhile.
    await feeds[2]!.publish(app, `独家：${GPT5_ZH_2}`);
    await feeds[3]!.publish(app, `快讯：${GPT5_ZH_2}`);
    const second = rows().filter((r) => r.kind === 'update')[1]!;
    expect(rows().filter((r) => r.kind === 'update')).toHaveLength(2);
    expect(Date.parse(second.next_attempt_at) - Date.parse(firstUpdate)).toBeGreaterThanOrEqual(3_600_000);
    expect(await deliver()).toBe(0);
    app.db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(new Date().toISOString(), second.id);
    expect(await deliver()).toBe(1);
    expect(printed[2]).toMatch(/also covered by Outlet 2, Outlet 3$/m);

    // Both updates allowed have been made: later sources are recorded, not posted.
    await feeds[4]!.publish(app, `重磅：${GPT5_ZH_2}`);
    expect(rows().filter((r) => r.kind === 'update')).toHaveLength(2);
    expect(itemByTitle(`重磅：${GPT5_ZH_2}`).story_id).toBe(itemByTitle(GPT5_ZH).id);
  });

  it('keeps GPT-5 mini, a second article of one outlet, and an old report as stories of their own', async () => {
    await ithome.publish(app, GPT5_ZH);
    await qbit.publish(app, 'OpenAI正式发布GPT-5 mini：推理能力大幅提升，免费用户也能用');
    await ithome.publish(app, 'OpenAI正式发布GPT-5：推理能力大幅提升，付费用户更快');
    await verge.publish(app, GPT5_EN, '', new Date('2025-08-10T08:00:00Z'));
    const ids = [GPT5_ZH, 'OpenAI正式发布GPT-5 mini：推理能力大幅提升，免费用户也能用', 'OpenAI正式发布GPT-5：推理能力大幅提升，付费用户更快', GPT5_EN].map(itemByTitle);
    expect(new Set(ids.map((i) => i.story_id)).size).toBe(4);
    expect(rows().filter((r) => r.kind === 'alert')).toHaveLength(4);
  });

  it('keeps a story to the window around its lead, and to one article per outlet', async () => {
    const day = (n: number) => new Date(Date.UTC(2025, 7, 2 + n, 8));
    // The same kind of headline day after day, each day from another outlet: no chain of stories.
    await ithome.publish(app, 'OpenAI发布GPT-5：推理能力大幅提升', '', day(0));
    await qbit.publish(app, 'OpenAI发布GPT-5：推理能力大幅提升，免费可用', '', day(1.5));
    await verge.publish(app, 'OpenAI发布GPT-5：推理能力大幅提升，免费可用！', '', day(3));
    const [first, second, third] = ['OpenAI发布GPT-5：推理能力大幅提升', 'OpenAI发布GPT-5：推理能力大幅提升，免费可用', 'OpenAI发布GPT-5：推理能力大幅提升，免费可用！'].map(itemByTitle);
    expect(second!.story_id).toBe(first!.id);
    expect(third!.story_id).toBe(third!.id);
    // IT之家's second article is its own story, even though it reads like the story's other reports.
    await ithome.publish(app, 'OpenAI发布GPT-5：推理能力大幅提升，免费可用！！', '', day(1.6));
    expect(itemByTitle('OpenAI发布GPT-5：推理能力大幅提升，免费可用！！').story_id).not.toBe(first!.id);
  });

  it('groups search results by story with their sources, and lists stories', async () => {
    await ithome.publish(app, GPT5_ZH);
    await verge.publish(app, GPT5_EN);
    await qbit.publish(app, '谷歌发布Gemini 3 Pro');
    const result = await app.search.search(parseSearchQuery('openai'), { pageSize: 10 });
    expect(result.hits).toHaveLength(1);
    expect(result.hits[0]).toMatchObject({ story_id: itemByTitle(GPT5_ZH).id, story_items: 2, story_sources: ['IT之家', 'The Verge'] });
    const search = await ask('gpt-5');
    expect(search).toMatchObject({ kind: 'results', results: [{ sourceCount: 2 }] });

    const listed = await ask('stories');
    expect(listed).toMatchObject({ kind: 'list' });
    const data = (listed as { data: { id: number; sources: string[]; items: number }[] }).data;
    expect(data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: itemByTitle(GPT5_ZH).id, sources: ['IT之家', 'The Verge'], items: 2 }),
        expect.objectContaining({ title: '谷歌发布Gemini 3 Pro', sources: ['量子位'], items: 1 }),
      ]),
    );
    const one = await ask(`stories #${itemByTitle(GPT5_ZH).id}`);
    expect(one).toMatchObject({ kind: 'notice', heading: `Story #${itemByTitle(GPT5_ZH).id}: ${GPT5_ZH}` });
    expect((one as { lines: string[] }).lines.join('\n')).toMatch(/The Verge: OpenAI launches GPT-5.*joined: like #\d+, the same/);
    // Any of a story's items finds it, as search results show item numbers.
    expect(await ask(`stories #${itemByTitle(GPT5_EN).id}`)).toMatchObject({ kind: 'notice', heading: `Story #${itemByTitle(GPT5_ZH).id}: ${GPT5_ZH}` });
    expect(await ask('stories #99999')).toMatchObject({ kind: 'error', message: expect.stringContaining('no story or item #99999') });
    expect(await ask('stories 0')).toMatchObject({ kind: 'error' });
  });

  it('explains with why that a report was part of an alerted story', async () => {
    await ithome.publish(app, GPT5_ZH);
    await deliver();
    await verge.publish(app, GPT5_EN);
    await qbit.publish(app, GPT5_ZH_2);
    const lead = itemByTitle(GPT5_ZH).id;
    const english = await ask(`why ${itemByTitle(GPT5_EN).id}`) as { lines: string[] };
    expect(english.lines.join('\n')).toMatch(new RegExp(`part of story #${lead}.*\\n.*already had story #${lead}'s alert, so it was queued as an update`));
    // The second report joined the waiting update: it has no row of its own.
    const chinese = await ask(`why ${itemByTitle(GPT5_ZH_2).id}`) as { lines: string[] };
    expect(chinese.lines.join('\n')).toMatch(new RegExp(`one alert per story, and story #${lead} was first alerted at .* \\(item #${lead}, watch "GPT-5"\\)`));
  });

  it("lets an update being retried hold up none of the channel's alerts", async () => {
    const sender = new ScriptedSender();
    const worker = app.deliveryWorker([sender]);
    await ithome.publish(app, GPT5_ZH);
    await worker.drain();
    await verge.publish(app, GPT5_EN);
    await qbit.publish(app, '谷歌发布Gemini 3 Pro：原生多模态，GPT-5 的对手来了');
    await ithome.publish(app, '网友实测 GPT-5 写代码：十个编程任务逐一对比评测');
    sender.failUpdates.push(new PlatformError('Slack answered 500', { kind: 'outcome-unknown' }));
    await worker.drain();
    // The update failed and waits for its retry; the next alerts went out all the same, in the same call.
    expect(rows().map((r) => [r.kind, r.status])).toEqual([
      ['alert', 'sent'],
      ['update', 'retrying'],
      ['alert', 'sent'],
      ['alert', 'sent'],
    ]);
    expect(sender.sent.map((m) => ('title' in m ? m.title : `update of #${m.storyId}`))).toEqual([
      GPT5_ZH,
      '谷歌发布Gemini 3 Pro：原生多模态，GPT-5 的对手来了',
      '网友实测 GPT-5 写代码：十个编程任务逐一对比评测',
    ]);
  });

  it('fails the waiting updates of an alert that failed for good, rather than leaving them queued', async () => {
    const sender = new ScriptedSender();
    const worker = app.deliveryWorker([sender]);
    await ithome.publish(app, GPT5_ZH);
    sender.failAlerts.push(new PlatformError('Slack answered 500', { kind: 'transient' }));
    await worker.drain();
    // Tried once: a later source makes an update, which waits for the alert.
    await verge.publish(app, GPT5_EN);
    expect(rows().map((r) => [r.kind, r.status])).toEqual([
      ['alert', 'retrying'],
      ['update', 'pending'],
    ]);
    // A process that died between failing the alert and failing its updates left the update behind.
    app.db.prepare("UPDATE outbox SET status = 'failed', next_attempt_at = ? WHERE kind = 'alert'").run(new Date().toISOString());
    await worker.drain();
    expect(rows()[1]).toMatchObject({ kind: 'update', status: 'failed' });
    expect(sender.sent).toEqual([]);
  });
});
