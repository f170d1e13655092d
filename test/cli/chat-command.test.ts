import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ainews-chat-'));
  env = { AINEWS_DB: join(dir, 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ainews chat <channel> <text…>', () => {
  it('runs what an admin would type after /ainews in that channel, and prints the answer as the console shows it', async () => {
    const watched = await runCli(['chat', 'slack:T1/C1', 'watch', 'GPT-5', '-mini'], env);
    expect(watched).toMatchObject({ code: 0, stdout: expect.stringContaining('Watching "GPT-5 -mini" here (#1).') });
    const added = await runCli(['chat', 'console:ops', 'feeds', 'add', 'https://feeds.example.invalid/feed.xml'], env);
    expect(added.stdout).toContain('Added feed #1 https://feeds.example.invalid/feed.xml');
    const listed = await runCli(['chat', 'slack:T1/C1', 'watches', '--json'], env);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      kind: 'list',
      heading: 'Watches of slack:T1/C1 (1 of 100)',
      data: [{ id: 1, channel: 'slack:T1/C1', query: 'GPT-5 -mini', created_by: 'cli' }],
    });
  });

  it('fails with the chat usage on a mistake, and refuses a malformed channel', async () => {
    const bad = await runCli(['chat', 'console:ops', 'latest', '99'], env);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toBe('error: latest takes a number from 1 to 20 (got "99")\nusage: /ainews latest [n]\n');
    const json = await runCli(['chat', 'console:ops', 'unwatch', 'nothing', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'error', message: expect.stringContaining('no watch "nothing"'), usage: '/ainews unwatch <keyword or #id>' });
    expect((await runCli(['chat', 'ops', 'help'], env)).stderr).toContain('"ops" is not a channel');
  });
});
