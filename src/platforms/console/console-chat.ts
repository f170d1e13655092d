import { Dispatcher } from '../../../commands/dispatch.ts';
import type { RawValues } from '../../../commands/options.ts';
import { COMMANDS, type Answer, type CommandDefinition, type CommandServices } from '../../../commands/index.ts';
import { CommandRateLimiter } from '../../../commands/rate-limit.ts';
import { searchCommand } from '../../../commands/search.ts';
import type { Logger } from '../../log.ts';
import { consoleAsker } from './console-asker.ts';

export interface ConsoleChatOptions {
  /** COMMANDS_PER_MINUTE for each user; none (0) for the operator's own CLI. */
  perMinute: number;
  /** AINEWS_ADMINS: `console:<user>` entries are admins. */
  admins: readonly string[];
  commands?: readonly CommandDefinition[];
}

/** How the operator at the CLI is recorded, e.g. as the creator of a watch added from there. */
export const OPERATOR = 'cli';

/**
 * Commands in console channels, typed or given with their options (the CLI's forms of them): each user
 * is rate limited as on any chat platform, and is an admin when AINEWS_ADMINS lists `console:<user>`.
 * Answers are rendered by render-answer.ts.
 */
export class ConsoleChat {
  private readonly dispatcher: Dispatcher;

  constructor(
    services: CommandServices,
    log: Logger,
    private readonly options: ConsoleChatOptions,
  ) {
    this.dispatcher = new Dispatcher({
      commands: options.commands ?? COMMANDS,
      services,
      limiter: options.perMinute > 0 ? new CommandRateLimiter(options.perMinute) : undefined,
      onBug: (error, command) => log.error({ err: error, command }, 'command failed'),
    });
  }

  /** The operator at the CLI: an admin, never rate limited, acting in whichever channel they name. */
  static forOperator(services: CommandServices, log: Logger, commands?: readonly CommandDefinition[]): ConsoleChat {
    return new ConsoleChat(services, log, { perMinute: 0, admins: [`console:${OPERATOR}`], commands });
  }

  /** The answer to `text` typed after /ainews by `user` in `channel`. */
  async type(channel: string | null, user: string, text: string): Promise<Answer> {
    return this.dispatcher.dispatch({ text }, this.asker(channel, user));
  }

  /** The next page of results, whose command an answer's `more` gives. */
  async more(channel: string | null, user: string, next: string, pageSize?: number): Promise<Answer> {
    return this.dispatcher.dispatch({ command: searchCommand, text: next }, this.asker(channel, user, pageSize));
  }

  /** A command with its options given rather than typed (the CLI's form of it). */
  async run(command: CommandDefinition, values: RawValues, where: { channel: string | null; user: string; pageSize?: number }): Promise<Answer> {
    return this.dispatcher.dispatch({ command, values }, this.asker(where.channel, where.user, where.pageSize));
  }

  private asker(channel: string | null, user: string, pageSize?: number) {
    return consoleAsker({ channel, user, admins: this.options.admins, pageSize });
  }
}
