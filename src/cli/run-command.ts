import type { Command } from 'commander';
import { createApp } from '../app.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { PlatformProbe } from '../ops/health.ts';
import { serveOps } from '../ops/serve-ops.ts';
import { ConsoleSender } from '../platforms/console/console-sender.ts';
import { printOutcome } from '../platforms/console/print-items.ts';
import { DailyPrune } from '../retention/daily-prune.ts';
import { runExclusively } from '../workers/exclusive-work.ts';
import { LeasedSession } from '../workers/leased-session.ts';
import { shutdown } from '../shutdown.ts';
import { websubCallback } from '../websub/callback-route.ts';
import { listenCallbacks } from '../websub/serve-callbacks.ts';
import { cliLogger, loadCliConfig } from './context.ts';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the bot: poll on schedule and post new items (console, and Slack and Discord when configured)')
    .action(async () => {
      const config = loadCliConfig();
      const log = cliLogger(config, 'info');
      let delivery: DeliveryWorker | null = null;
      // A platform library's stray rejection is logged; it must not stop polling and the other platforms.
      process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection; ainews keeps running'));
      const app = await createApp(config, log, (outcome) => {
        printOutcome(outcome, (line) => console.log(line));
        if (outcome.alerts > 0) delivery?.nudge();
      });
      // WebSub callbacks (PUBLIC_URL): on Slack's HTTP mode's port when it runs, else on a listener of their own.
      const callbacks = app.websub ? websubCallback(app.websub, { maxBytes: config.FETCH_MAX_BYTES, log: log.child({ component: 'websub' }) }) : null;
      // Loaded only when configured: the Slack SDK is heavy, and every other command starts faster without it.
      const slack = config.SLACK_BOT_TOKEN
        ? (await import('../platforms/slack/slack-app.ts')).createSlack(config, app, log, {
            onCommandAnswered: (seconds) => app.metrics.commandAnswered('slack', seconds),
            ...(callbacks ? { publicRoutes: { path: '/websub/:token', handler: callbacks } } : {}),
          })
        : null;
      const createDiscord = config.DISCORD_TOKEN ? (await import('../platforms/discord/discord-app.ts')).createDiscord : null;
      const openDiscord = () =>
        createDiscord?.(config, app, log, { installId: app.installId, onCommandAnswered: (seconds) => app.metrics.commandAnswered('discord', seconds) }) ?? null;
      // Alerts go out through any worker's REST client; the gateway session (which answers /ainews) runs on
      // the one worker holding the 'discord-gateway' lease, and moves to another when that one dies.
      const discord = openDiscord();
      let firstSession = discord;
      const discordGateway = discord
        ? new LeasedSession({
            leases: app.leases,
            name: 'discord-gateway',
            holder: app.worker,
            ttlMs: DISCORD_GATEWAY_LEASE_MS,
            open: () => {
              const session = firstSession ?? openDiscord()!;
              firstSession = null;
              return session;
            },
            log: log.child({ component: 'discord' }),
          })
        : null;
      // /healthz checks each configured platform's connection.
      const probes: PlatformProbe[] = [];
      if (slack) probes.push({ name: 'slack', state: () => slack.state() });
      if (discordGateway) probes.push({ name: 'discord', state: () => discordGateway.state() });
      // Before anything starts: a port that cannot be had stops ainews here, with the settings named.
      const ops = config.METRICS_PORT
        ? await serveOps(app, probes, { host: config.METRICS_HOST, port: config.METRICS_PORT }).catch(async (error: unknown) => {
            await app.close();
            throw error;
          })
        : null;
      const ownCallbacks =
        callbacks && slack?.mode !== 'http'
          ? await listenCallbacks(callbacks, { host: config.HOST, port: config.PORT }, log.child({ component: 'websub' })).catch(async (error: unknown) => {
              await ops?.close();
              await app.close();
              throw error;
            })
          : null;
      delivery = app.deliveryWorker([new ConsoleSender((text) => console.log(text)), ...(slack ? [slack.sender] : []), ...(discord ? [discord.sender] : [])]);
      if (app.summaries.llm) {
        await app.summaries.llm.clearAbandoned(config.LLM_ALERT_WAIT);
        app.summaries.llm.onSettled = () => delivery?.nudge();
      }
      if (app.translator) app.translator.onSettled = () => delivery?.nudge();
      const platforms = ['console', ...(slack ? [`slack (${slack.mode} mode)`] : []), ...(discord ? ['discord'] : [])];
      log.info({ db: config.AINEWS_DB, feeds: await app.feeds.count(), cron: config.POLL_CRON, platforms }, 'ainews running; Ctrl-C stops');
      delivery.start();
      void slack?.start();
      discordGateway?.start();
      app.scheduler.start(config.POLL_CRON);
      // Once across workers sharing the database: the one holding the 'retention' lease prunes.
      const pruning = new DailyPrune(app.retention, log.child({ component: 'retention' }), undefined, (work) =>
        runExclusively({ leases: app.leases, name: 'retention', holder: app.worker, ttlMs: RETENTION_LEASE_MS }, work),
      );
      pruning.start();
      app.scheduler.tick().catch((error: unknown) => log.error({ err: error }, 'first tick failed'));
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'stopping: letting the running poll finish its writes');
          // The scheduler first: a poll finishing now may still queue alerts; then the listeners, and the
          // worker, whose send in progress is recorded before the database closes.
          void shutdown(
            [
              ...(ops ? [{ name: 'health and metrics server', stop: () => ops.close() }] : []),
              ...(ownCallbacks ? [{ name: 'WebSub callback server', stop: () => ownCallbacks.close() }] : []),
              { name: 'scheduler', stop: () => app.scheduler.stop() },
              { name: 'retention', stop: () => pruning.stop() },
              { name: 'llm summaries', stop: () => app.summaries.llm?.stop() },
              { name: 'llm translations', stop: () => app.translator?.stop() },
              [...(slack ? [{ name: 'slack', stop: () => slack.stop() }] : []), ...(discordGateway ? [{ name: 'discord', stop: () => discordGateway.stop() }] : [])],
              { name: 'delivery', stop: () => delivery.stop() },
              { name: 'database', stop: () => app.close() },
            ],
            log,
          ).then(({ failed }) => {
            log.info(failed.length ? { failed } : {}, failed.length ? 'stopped, not all of it cleanly; database closed' : 'stopped; database closed');
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      // Everything is written and the database closed, so the process should end now. A platform library
      // can leave the event loop held (seen with discord.js under load: no timer or socket of ours left, yet
      // no exit), so after a grace period it is ended; the timer itself holds nothing up.
      setTimeout(() => {
        log.warn({ holding: process.getActiveResourcesInfo() }, 'still running after stopping; exiting');
        process.exit(0);
      }, EXIT_GRACE_MS).unref();
    });
}

/** How long `ainews run` may take to end by itself once it has stopped. */
const EXIT_GRACE_MS = 2000;
/** How soon another worker takes the Discord gateway over when the one holding it dies (renewed every third). */
const DISCORD_GATEWAY_LEASE_MS = 30_000;
/** How long one worker's daily prune may take before another worker may start one too. */
const RETENTION_LEASE_MS = 3_600_000;
