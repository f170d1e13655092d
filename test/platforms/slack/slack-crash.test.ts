import { rmSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { testApp } from '../../helpers/app.ts';
import { FakeSlack } from '../../helpers/fake-slack.ts';
import { storeItems } from '../../helpers/items.ts';
import { killBetweenPostAndRecord } from '../../helpers/kill-restart.ts';
import { readOutboxRow } from '../../helpers/news-feed.ts';

let slack: FakeSlack;
let dir: string;

beforeEach(async () => {
  slack = await new FakeSlack().listen();
});
/** `ainews run` on the test's database, against the fake Slack, with delivery settings a test can wait for. */
function runEnv(db: string): Record<string, string> {
  return {
    AINEWS_DB: db,
    AINEWS_SEED_DEFAULT_FEEDS: 'false',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    DELIVERY_INTERVAL: '100ms',
    DELIVERY_SEND_TIMEOUT: '1s',
    DELIVERY_CLAIM_TIMEOUT: '2s',
    LOG_LEVEL: 'warn',
  };
}

afterEach(async () => {
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});


it('posts exactly once when the process dies between Slack posting and the outbox recording it', async () => {
  // An alert waits in the outbox, queued by an earlier poll.
  const app = await testApp();
  dir = app.dir;
  const db = app.config.AINEWS_DB;
  const { watch } = await app.watches.add('slack:T0TEST/C0NEWS', '*', 'u1');
  const [item] = (await storeItems(app, [{ title: 'OpenAI ships GPT-5' }])).created;
  await app.outbox.enqueue({ itemId: item!.id, channel: 'slack:T0TEST/C0NEWS', watchId: watch.id, watchQuery: '*' });
  await app.close();

  const env = runEnv(db);
  // Slack posts the message, but its answer never arrives: the process is killed while waiting.
  slack.fail('chat.postMessage', { hang: true });
  await killBetweenPostAndRecord(env, () => slack.posts.length, () => {
    expect(slack.posts).toHaveLength(1);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(slack.callsOf('conversations.history')).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ channel: 'C0NEWS', include_all_metadata: 'true' }) }),
    ]);
    expect(readOutboxRow(db)).toMatchObject({ platform_message_id: slack.posts[0]!.ts, attempt_started_at: null });
  });
}, 120_000);

it('posts a fold exactly once when the process dies while sending it, and records every alert it gathered sent with it', async () => {
  // Three alerts held for quiet hours that have just ended: the next run gathers them into one message.
  const app = await testApp();
  dir = app.dir;
  const db = app.config.AINEWS_DB;
  const channel = 'slack:T0TEST/C0NEWS';
  const items = (await storeItems(app, [{ title: 'OpenAI ships GPT-5' }, { title: 'Anthropic ships Claude 5' }, { title: 'DeepSeek ships V4' }])).created;
  const { watch } = await app.watches.add(channel, '*', 'u1');
  const ended = { for: 'quiet' as const, until: new Date(Date.now() - 1000) };
  for (const item of items) await app.outbox.enqueue({ itemId: item.id, channel, watchId: watch.id, watchQuery: '*' }, new Date(), ended);
  expect((await app.outbox.list()).map((row) => row.status)).toEqual(['held', 'held', 'held']);
  await app.close();

  const env = runEnv(db);
  slack.fail('chat.postMessage', { hang: true });
  const fold = () => readOutboxRow(db, "kind = 'fold'");
  await killBetweenPostAndRecord(
    env,
    () => slack.posts.length,
    () => {
      expect(slack.posts).toHaveLength(1);
      expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
      expect(slack.posts[0]!.text).toContain('While you were away: 3 stories');
      const { platform_message_id } = fold();
      expect(platform_message_id).toBe(slack.posts[0]!.ts);
      const alerts = ['OpenAI', 'Anthropic', 'DeepSeek'].map((_, i) => readOutboxRow(db, `item_id = ${items[i]!.id}`));
      expect(alerts.map((row) => [row.status, row.platform_message_id])).toEqual(Array(3).fill(['sent', platform_message_id]));
    },
    fold,
  );
}, 120_000);
