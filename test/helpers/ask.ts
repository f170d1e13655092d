import { Dispatcher } from '../../commands/dispatch.ts';
import { COMMANDS, type Answer, type CommandDefinition } from '../../commands/index.ts';
import { consoleAsker } from '../../src/platforms/console/console-asker.ts';
import type { App } from '../../src/app.ts';

export interface AskOptions {
  channel?: string | null;
  user?: string;
  /** An admin (listed in AINEWS_ADMINS); by default a member who is not. */
  admin?: boolean;
  now?: Date;
  pageSize?: number;
  /** What a failure that is not the user's does; by default it fails the test. */
  onBug?: (error: unknown) => void;
  commands?: readonly CommandDefinition[];
}

/** The answer to `text` typed after /ainews in a console channel (console:team by default), as the console platform runs it. */
export async function ask(app: App, text: string, options: AskOptions = {}): Promise<Answer> {
  const user = options.user ?? 'U1';
  const dispatcher = new Dispatcher({
    commands: options.commands ?? COMMANDS,
    services: app,
    onBug:
      options.onBug ??
      ((error) => {
        throw error;
      }),
  });
  const asker = consoleAsker({ channel: options.channel === undefined ? 'console:team' : options.channel, user, admins: options.admin ? [`console:${user}`] : [], pageSize: options.pageSize });
  return dispatcher.dispatch({ text }, asker, options.now);
}
