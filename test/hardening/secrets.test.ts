import { afterEach, beforeEach, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeSlack } from '../helpers/fake-slack.ts';
import { FakeLlmServer } from '../helpers/llm-server.ts';
import { storeItems } from '../helpers/items.ts';
import { waitUntil } from '../helpers/wait.ts';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-secret-bot-token',
  SLACK_APP_TOKEN: 'xapp-2222-secret-app-token',
  SLACK_SIGNING_SECRET: 'secret-signing-3333',
  DISCORD_TOKEN: 'secret-discord-token-4444.abcdef.ghijkl',
  LLM_API_KEY: 'sk-secret-llm-key-5555',
};

let slack: FakeSlack;
let discord: FakeDiscord;
let llm: FakeLlmServer;
let app: TestApp;

beforeEach(async () => {
  [slack, discord, llm] = await Promise.all([new FakeSlack().listen(), new FakeDiscord().listen(), new FakeLlmServer().listen()]);
  app = await testApp();
});
afterEach(async () => {
  await app.dispose();
  await Promise.all([slack.close(), discord.close(), llm.close()]);
});

it('never writes a token or an API key to the logs, error messages or --json output, even at trace level', async () => {
  const env = {
    ...SECRETS,
    AINEWS_DB: app.config.AINEWS_DB,
    AINEWS_SEED_DEFAULT_FEEDS: 'false',
    SLACK_API_URL: slack.apiUrl,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    LLM_BASE_URL: llm.baseUrl,
    LOG_LEVEL: 'trace',
  };
  // Every platform rejects these credentials, so each failure is logged with whatever it carries.
  llm.behaviour = { kind: 'status', status: 401 };
  const [item] = (await storeItems(app, [{ title: 'OpenAI ships GPT-5', body: 'The new model is out today. '.repeat(20) }])).created;
  await app.watches.add('slack:T0TEST/C0NEWS', '*', 'u1');
  await app.close();

  const run = startCli(['run'], env);
  try {
    // Both platforms' refusals logged, whatever they carried.
    await waitUntil(() => /Slack could not start/.test(run.output().stderr) && /Discord could not start/.test(run.output().stderr), 30_000, 'both refusals logged');
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  const outputs = [run.output().stdout, run.output().stderr];
  for (const args of [['summarize', String(item!.id), '--json'], ['feeds', 'list', '--json'], ['deliveries', '--json'], ['items', '--json'], ['watch', 'list', '--json']]) {
    const result = await runCli(args, env);
    outputs.push(result.stdout, result.stderr);
  }
  expect(llm.requests.length).toBeGreaterThan(0);
  const all = outputs.join('\n');
  expect(all).toMatch(/invalid_auth|401/);
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(all.includes(value), `${name} appears in the output`).toBe(false);
    // Nor any long piece of it.
    expect(all.includes(value.slice(-12)), `the end of ${name} appears in the output`).toBe(false);
  }
}, 60_000);
