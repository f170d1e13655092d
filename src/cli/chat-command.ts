import type { Command } from 'commander';
import { channelPlatform } from '../channel-name.ts';
import { ConsoleChat, OPERATOR } from '../platforms/console/console-chat.ts';
import { renderAnswer } from '../platforms/console/render-answer.ts';
import { CliError, printJson, withApp } from './context.ts';

export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .argument('<channel>', 'the channel to act in: console:<name>, slack:<team>/<channel> or discord:<channel>')
    .argument('<text...>', 'what would be typed after /ainews, e.g. watch GPT-5 -mini')
    .option('--json', 'print the answer as JSON, the same for every platform')
    // "-word" excludes a word from a search or a watch: it is part of the text, not an option.
    .allowUnknownOption()
    .description('run a command as if an admin typed it after /ainews in a channel, and print the answer')
    .action(async (channel: string, words: string[], opts: { json?: boolean }) => {
      channelPlatform(channel);
      await withApp(async (app) => {
        const answer = await ConsoleChat.forOperator(app, app.log).type(channel, OPERATOR, words.join(' '));
        if (opts.json) printJson(answer);
        else if (answer.kind !== 'error') console.log(renderAnswer(answer, { more: (next) => `ainews chat ${channel} ${next}` }));
        if (answer.kind === 'error') {
          if (!opts.json) throw new CliError(renderAnswer(answer).replace(/^error: /, ''));
          process.exitCode = 1;
        }
      });
    });
}
