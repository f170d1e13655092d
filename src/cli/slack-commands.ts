import type { Command } from 'commander';
import { slackManifest } from '../platforms/slack/manifest.ts';
import { CliError, printJson } from './context.ts';

export function registerSlackCommands(program: Command): void {
  const slack = program.command('slack').description('set up the Slack app');
  slack
    .command('manifest')
    .option('--http <url>', 'the public HTTPS base URL of HTTP mode (default: Socket Mode, no public URL needed)')
    .option('--name <name>', 'the app and bot name', 'ainews')
    .description('print a Slack app manifest (JSON) to create the app from')
    .action((opts: { http?: string; name: string }) => {
      if (opts.http !== undefined && !/^https:\/\/[^\s/]+/.test(opts.http)) {
        throw new CliError(`--http must be the public https:// base URL Slack can reach, e.g. https://ainews.example.com (got "${opts.http}")`);
      }
      if (!opts.name.trim() || opts.name.length > 35) throw new CliError('--name must be 1 to 35 characters (a Slack limit)');
      printJson(slackManifest({ name: opts.name.trim(), httpUrl: opts.http }));
    });
}
