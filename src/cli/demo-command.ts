import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { createApp } from '../app.ts';
import { loadConfig, readEnvironment } from '../config.ts';
import { readFeedUrls } from '../db/feeds.ts';
import { DemoFeedServer } from '../demo/demo-feeds.ts';
import { createLogger } from '../log.ts';
import { printOutcome } from '../platforms/console/print-items.ts';
import type { App } from '../app.ts';
import { ConsoleChat } from '../platforms/console/console-chat.ts';
import { ConsoleSender } from '../platforms/console/console-sender.ts';
import { renderAnswer } from '../platforms/console/render-answer.ts';
import { CliError, positiveInt } from './context.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .option('--db <path>', 'database file for the demo (recreated each time)', './data/demo.db')
    .option('--step <ms>', 'milliseconds between new items', '1500')
    .description('run the whole pipeline offline against bundled sample feeds (English and Chinese)')
    .action(async (opts: { db: string; step: string }) => {
      const step = positiveInt(opts.step, '--step', 60_000);
      await refuseNonDemoDatabase(opts.db);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${opts.db}${suffix}`, { force: true });
      const env = readEnvironment();
      const config = loadConfig({ ...env, AINEWS_DB: opts.db, AINEWS_SEED_DEFAULT_FEEDS: 'false', AINEWS_ALLOW_PRIVATE_NETWORK: 'true' });
      const server = new DemoFeedServer();
      const urls = await server.listen();
      const app = await createApp(config, createLogger(config.LOG_LEVEL ?? 'warn', { format: config.LOG_FORMAT }), (outcome) => printOutcome(outcome, (line) => console.log(line)));
      const delivery = app.deliveryWorker([new ConsoleSender((text) => console.log(text))]);
      const say = (text: string) => console.log(`\n== ${text}`);
      try {
        await app.admin.add({ url: urls.en, name: 'Demo AI Lab Blog' });
        await app.admin.add({ url: urls.zh, name: '演示科技新闻' });
        say(`demo: two local feeds on ${new URL(urls.en).host}; the first poll stores their backlog, then new items arrive`);
        for (const keyword of ['GPT-5', '大模型']) console.log(renderAnswer(await typed(app, `watch ${keyword}`)));
        await app.scheduler.tick({ all: true });
        while (server.remaining > 0) {
          await sleep(step);
          server.releaseNext();
          await app.scheduler.tick({ all: true });
          await delivery.drain();
        }
        say('searching what was collected: /ainews gpt-5');
        console.log(renderAnswer(await typed(app, 'gpt-5')));
        say(`demo done: ${await app.items.count()} items stored in ${opts.db}. Try: AINEWS_DB=${opts.db} npx ainews search 模型`);
      } finally {
        await app.close();
        await server.close();
      }
    });
}

/** The answer to `text` typed in the demo's console channel. */
async function typed(app: App, text: string) {
  return new ConsoleChat(app, app.log, { perMinute: 0, admins: [] }).type('console:demo', 'demo', text);
}

const DEMO_FEED_URL = /^http:\/\/127\.0\.0\.1:\d+\/(en\/atom|zh\/rss)\.xml$/;

/** The demo recreates its database: never one that holds anything but demo feeds. */
async function refuseNonDemoDatabase(path: string): Promise<void> {
  if (!existsSync(path)) return;
  let foreign = true;
  try {
    foreign = (await readFeedUrls(path)).some((url) => !DEMO_FEED_URL.test(url));
  } catch {
    foreign = true;
  }
  if (foreign) throw new CliError(`${path} is not a demo database (it has other feeds, or is not an ainews database); give the demo another --db`);
}
