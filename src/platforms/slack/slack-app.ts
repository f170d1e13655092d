import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, SocketModeReceiver, webApi } from '@slack/bolt';
import { COMMANDS, type CommandDefinition, type CommandServices } from '../../../commands/index.ts';
import { Dispatcher } from '../../../commands/dispatch.ts';
import { CommandRateLimiter } from '../../../commands/rate-limit.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { ConnectionTracker, type ConnectionState } from '../connection-state.ts';
import { keepStarting } from '../keep-starting.ts';
import { boltLogger } from './bolt-logger.ts';
import { registerSlashCommand } from './slash-command.ts';
import { SlackSender } from './slack-sender.ts';

export interface SlackPlatform {
  mode: 'socket' | 'http';
  sender: SlackSender;
  /**
   * Connects (Socket Mode) or listens (HTTP mode) for /ainews, retrying while Slack is unreachable, and
   * reconnects whenever the connection drops. Resolves true once connected, false when given up (a
   * rejected token) or stopped. Alerts do not wait for it: the sender works on its own.
   */
  start(): Promise<boolean>;
  stop(): Promise<void>;
  /** Whether /ainews is answered now, or being connected again (for /healthz). */
  state(): ConnectionState;
}

type SlackConfig = Pick<
  Config,
  'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_API_URL' | 'SLACK_UNFURL' | 'PORT' | 'HOST' | 'AINEWS_ADMINS' | 'DELIVERY_SEND_TIMEOUT' | 'COMMANDS_PER_MINUTE'
>;

/**
 * Slack, when SLACK_BOT_TOKEN is set: Socket Mode with SLACK_APP_TOKEN, else HTTP mode with
 * SLACK_SIGNING_SECRET, where Bolt's signature check answers a bad or stale request with a 401.
 * `retryBaseMs` is the first wait before connecting again; `commands` replaces the set /ainews offers.
 */
export function createSlack(
  config: SlackConfig,
  services: CommandServices,
  log: Logger,
  options: {
    retryBaseMs?: number;
    commands?: readonly CommandDefinition[];
    onCommandAnswered?: (seconds: number) => void;
    /** Served beside Slack's requests in HTTP mode, on the same port (the WebSub callbacks under /websub/). */
    publicRoutes?: { path: string; handler: (req: IncomingMessage, res: ServerResponse) => void };
  } = {},
): SlackPlatform | null {
  const token = config.SLACK_BOT_TOKEN;
  if (!token) return null;
  const slackLog = log.child({ component: 'slack' });
  const logger = boltLogger(slackLog);
  // Commands' own calls (users.info, conversations.info) may retry a little; alerts never do by themselves.
  const clientOptions = { slackApiUrl: config.SLACK_API_URL, timeout: config.DELIVERY_SEND_TIMEOUT, retryConfig: { retries: 2, minTimeout: 200, maxTimeout: 1000 } };
  const mode = config.SLACK_APP_TOKEN ? 'socket' : 'http';
  // Reconnection is ours (below), not the Socket Mode client's: its own gives up for good on the first
  // network error, and waits seconds before answering Slack's routine requests to reconnect.
  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.SLACK_APP_TOKEN!,
          logger,
          autoReconnectEnabled: false,
          installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL, retryConfig: { retries: 0 } } },
        })
      : null;
  // Initialisation (auth.test) is deferred to start(), where a failure is caught and retried.
  const app = receiver
    ? new App({ token, logger, clientOptions, receiver, deferInitialization: true })
    : new App({
        token,
        logger,
        clientOptions,
        signingSecret: config.SLACK_SIGNING_SECRET,
        deferInitialization: true,
        ...(options.publicRoutes ? { customRoutes: [{ path: options.publicRoutes.path, method: ['GET', 'POST'], handler: options.publicRoutes.handler }] } : {}),
      });
  let botName: Promise<string> | null = null;
  registerSlashCommand(app, {
    dispatcher: new Dispatcher({
      commands: options.commands ?? COMMANDS,
      services,
      limiter: new CommandRateLimiter(config.COMMANDS_PER_MINUTE),
      onBug: (error, command) => slackLog.error({ err: error, command }, 'command failed'),
      onAnswered: options.onCommandAnswered,
    }),
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

  let initialized = false;
  let listening = false;
  const stopping = new AbortController();
  let connecting: Promise<boolean> | null = null;
  const connection = new ConnectionTracker();
  const connectOnce = async () => {
    if (!initialized) {
      await app.init();
      initialized = true;
    }
    if (receiver) await receiver.start();
    else await app.start({ port: config.PORT, host: config.HOST });
    listening = true;
    if (stopping.signal.aborted) return;
    slackLog.info(receiver ? { mode } : { mode, port: config.PORT, host: config.HOST }, 'Slack connected: /ainews is answered');
  };
  const connect = () =>
    (connecting ??= connection.track(keepStarting('Slack', connectOnce, slackLog, stopping.signal, options.retryBaseMs)).finally(() => {
      connecting = null;
    }));
  receiver?.client.on('disconnected', () => {
    listening = false;
    if (stopping.signal.aborted || connecting) return;
    slackLog.warn('the Slack connection closed; connecting again');
    void connect();
  });

  return {
    mode,
    sender: new SlackSender(
      new webApi.WebClient(token, {
        slackApiUrl: config.SLACK_API_URL,
        timeout: config.DELIVERY_SEND_TIMEOUT,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger,
      }),
      { unfurl: config.SLACK_UNFURL },
    ),
    start: connect,
    state: () => connection.state,
    async stop() {
      connection.stopped();
      stopping.abort();
      // A connection still being made is let finish (a wait between attempts is cut short), then closed.
      await connecting;
      if (listening) await app.stop().catch((error: unknown) => slackLog.warn({ err: error }, 'Slack did not stop cleanly'));
      listening = false;
    },
  };
}
