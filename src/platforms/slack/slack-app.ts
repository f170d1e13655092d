import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import type { CommandServices } from '../../../commands/index.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { boltLogger } from './bolt-logger.ts';
import { registerSlashCommand } from './slash-command.ts';
import { SlackSender } from './slack-sender.ts';

export interface SlackPlatform {
  mode: 'socket' | 'http';
  sender: SlackSender;
  /** Connects (Socket Mode) or listens (HTTP mode) for /ainews; alerts do not wait for it. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

type SlackConfig = Pick<
  Config,
  'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_API_URL' | 'SLACK_UNFURL' | 'PORT' | 'HOST' | 'AINEWS_ADMINS' | 'DELIVERY_SEND_TIMEOUT'
>;

/**
 * Slack, when SLACK_BOT_TOKEN is set: Socket Mode with SLACK_APP_TOKEN, else HTTP mode with
 * SLACK_SIGNING_SECRET, where Bolt's signature check answers a bad or stale request with a 401.
 */
export function createSlack(config: SlackConfig, services: CommandServices, log: Logger): SlackPlatform | null {
  const token = config.SLACK_BOT_TOKEN;
  if (!token) return null;
  const slackLog = log.child({ component: 'slack' });
  const logger = boltLogger(slackLog);
  // Commands' own calls (users.info, conversations.info) may retry a little; alerts never do by themselves.
  const clientOptions = { slackApiUrl: config.SLACK_API_URL, timeout: config.DELIVERY_SEND_TIMEOUT, retryConfig: { retries: 2, minTimeout: 200, maxTimeout: 1000 } };
  const mode = config.SLACK_APP_TOKEN ? 'socket' : 'http';
  const app =
    mode === 'socket'
      ? new App({ token, logger, clientOptions, receiver: new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN!, logger, installerOptions: { clientOptions } }) })
      : new App({ token, logger, clientOptions, signingSecret: config.SLACK_SIGNING_SECRET });
  let botName: Promise<string> | null = null;
  registerSlashCommand(app, {
    services,
    admins: config.AINEWS_ADMINS,
    log: slackLog,
    botName: () =>
      (botName ??= app.client.auth.test().then(
        (auth) => auth.user ?? 'ainews',
        () => 'ainews',
      )),
  });
  app.error(async (error) => {
    slackLog.error({ err: error }, 'a Slack request could not be handled');
  });
  const sender = new SlackSender(
    new webApi.WebClient(token, {
      slackApiUrl: config.SLACK_API_URL,
      timeout: config.DELIVERY_SEND_TIMEOUT,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger,
    }),
    { unfurl: config.SLACK_UNFURL },
  );
  return {
    mode,
    sender,
    async start() {
      if (mode === 'socket') await app.start();
      else await app.start({ port: config.PORT, host: config.HOST });
      slackLog.info(mode === 'socket' ? { mode } : { mode, port: config.PORT, host: config.HOST }, 'Slack connected: /ainews is answered');
    },
    stop: () => app.stop().then(() => undefined),
  };
}
