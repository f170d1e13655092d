import type { Command } from 'commander';
import { createApp } from '../app.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import { ConsoleSender } from '../platforms/console/console-sender.ts';
import { printOutcome } from '../platforms/console/print-items.ts';
import { keepStarting } from '../platforms/keep-starting.ts';
import { createSlack } from '../platforms/slack/slack-app.ts';
import { cliLogger, loadCliConfig } from './context.ts';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the bot: poll on schedule and post new items (console, and Slack when configured)')
    .action(async () => {
      const config = loadCliConfig();
      const log = cliLogger(config, 'info');
      let delivery: DeliveryWorker | null = null;
      let stopping = false;
      const app = createApp(config, log, (outcome) => {
        printOutcome(outcome, (line) => console.log(line));
        if (outcome.alerts > 0) delivery?.nudge();
      });
      const slack = createSlack(config, app, log);
      delivery = app.deliveryWorker([new ConsoleSender((text) => console.log(text)), ...(slack ? [slack.sender] : [])]);
      if (app.summaries.llm) {
        app.summaries.llm.clearAbandoned(config.LLM_ALERT_WAIT);
        app.summaries.llm.onSettled = () => delivery?.nudge();
      }
      const platforms = ['console', ...(slack ? [`slack (${slack.mode} mode)`] : [])];
      log.info({ db: config.AINEWS_DB, feeds: app.feeds.count(), cron: config.POLL_CRON, platforms }, 'ainews running; Ctrl-C stops');
      delivery.start();
      let slackRunning = false;
      if (slack) void keepStarting('Slack', () => slack.start(), log.child({ component: 'slack' }), () => stopping).then((ok) => (slackRunning = ok));
      app.scheduler.start(config.POLL_CRON);
      app.scheduler.tick().catch((error: unknown) => log.error({ err: error }, 'first tick failed'));
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          stopping = true;
          log.info({ signal }, 'stopping: letting the running poll finish its writes');
          // The scheduler first: a poll finishing now may still queue alerts; then the listeners, and the
          // worker, whose send in progress is recorded before the database closes.
          void app.scheduler
            .stop()
            .then(() => app.summaries.llm?.stop())
            .then(async () => {
              if (slack && slackRunning) await slack.stop().catch((error: unknown) => log.warn({ err: error }, 'Slack did not stop cleanly'));
            })
            .then(() => delivery.stop())
            .then(() => {
              app.close();
              log.info('stopped; database closed');
              resolve();
            });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
