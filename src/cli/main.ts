import { Command } from 'commander';
import { COMMANDS } from '../../commands/index.ts';
import { registerChannelsCommands } from './channels-commands.ts';
import { registerChatCommand } from './chat-command.ts';
import { registerCommandForms } from './command-forms.ts';
import { registerDeliveriesCommand } from './deliveries-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerDiscordCommands } from './discord-commands.ts';
import { registerExportDbCommand } from './export-db-command.ts';
import { reportError } from './context.ts';
import { registerFeedsCommands } from './feeds-commands.ts';
import { registerMaintenanceCommands } from './maintenance-commands.ts';
import { registerPipelineCommands } from './pipeline-commands.ts';
import { registerRhythmCommands } from './rhythm-commands.ts';
import { registerStatusCommand } from './status-command.ts';
import { registerRunCommand } from './run-command.ts';
import { registerSlackCommands } from './slack-commands.ts';

const program = new Command('ainews')
  .description('Self-hosted AI news alerts for Slack, Discord and the console, in English and Chinese.')
  .version('0.1.0')
  .showHelpAfterError()
  .addHelpText('after', '\nConfiguration comes from the environment and ./.env; see .env.example.');

registerFeedsCommands(program);
registerPipelineCommands(program);
registerRunCommand(program);
registerSlackCommands(program);
registerDiscordCommands(program);
registerCommandForms(program, COMMANDS);
registerChatCommand(program);
registerDeliveriesCommand(program);
registerChannelsCommands(program);
registerRhythmCommands(program);
registerStatusCommand(program);
registerDemoCommand(program);
registerMaintenanceCommands(program);
registerExportDbCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  reportError(error);
}
