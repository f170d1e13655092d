import { CommandError, defineCommand, type CommandDefinition } from './types.ts';

/** `help`, over the given commands (itself included): every usage, or one command's. */
export function helpCommand(commands: readonly CommandDefinition[]): CommandDefinition {
  return defineCommand({
    name: 'help',
    usage: 'help [command]',
    summary: 'this list, or one command in full',
    description: 'What ainews can do',
    options: [{ name: 'command', type: 'string', rest: true, description: 'one command, e.g. watch' }],
    access: 'anyone',
    uses: [],
    run({ command }) {
      if (command) {
        const named = command.toLowerCase();
        const family = commands.filter((c) => c.name === named || c.name.startsWith(`${named} `));
        if (family.length === 0) throw new CommandError(`there is no command "${command}"; /ainews help lists them`);
        return { kind: 'notice', heading: `/ainews ${named}`, lines: family.map(line) };
      }
      return { kind: 'notice', heading: 'ainews: AI news, searched and watched', lines: commands.map(line) };
    },
  });
}

function line(command: CommandDefinition): string {
  return `/ainews ${command.usage}  — ${command.summary}`;
}
