import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import { commandDefinitions, findCommand } from '../../../src/platforms/discord/slash-commands.ts';

type Option = { type: number; name: string; description: string; required?: boolean; max_value?: number; autocomplete?: boolean; options?: Option[] };

describe('the slash commands generated from the command definitions', () => {
  const [ainews, admin] = commandDefinitions() as unknown as [{ options: Option[] }, { default_member_permissions: string; options: Option[] }];
  // A subcommand group (type 2) holds subcommands: `/ainews settings show|min|language`.
  const ainewsSubs = ainews.options.flatMap((o) => (o.type === 2 ? o.options!.map((sub) => ({ group: o.name as string | null, sub })) : [{ group: null, sub: o }]));

  it('offer every command: everyone’s under /ainews, admins’ under /ainews-admin, and each leads back to its definition', () => {
    const subcommands = [
      ...ainewsSubs.map(({ group, sub }) => ['ainews', group, sub.name] as const),
      ...admin.options.flatMap((group) => group.options!.map((o) => ['ainews-admin', group.name, o.name] as const)),
    ];
    expect(subcommands.map(([top, group, sub]) => findCommand(COMMANDS, top, group, sub)?.name).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    expect(admin.default_member_permissions).toBe('32');
    expect(admin.options.map((g) => [g.name, g.options!.map((o) => o.name)])).toEqual([['feeds', ['add', 'remove']]]);
    // `settings` sits beside `settings min` as its group's `show`: Discord allows no subcommand beside a group of its name.
    expect(ainewsSubs.filter((s) => s.group === 'settings').map((s) => s.sub.name)).toEqual(['show', 'min', 'language']);
  });

  it('follow Discord’s rules: required options first, descriptions of at most 100 characters, no more results than one message shows', () => {
    for (const sub of [...ainewsSubs.map((s) => s.sub), ...admin.options.flatMap((g) => g.options!)]) {
      expect(sub.description.length, sub.name).toBeLessThanOrEqual(100);
      const required = (sub.options ?? []).map((o) => o.required === true);
      expect(required, sub.name).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const option of sub.options ?? []) expect(option.description.length, `${sub.name} ${option.name}`).toBeLessThanOrEqual(100);
    }
    const option = (sub: string, name: string) => ainews.options.find((o) => o.name === sub)!.options!.find((o) => o.name === name)!;
    // Chat shows 20 of the latest items; Discord shows at most 10 embeds in a message.
    expect(option('latest', 'count').max_value).toBe(10);
    expect(option('stories', 'count').max_value).toBe(50);
    expect(option('unwatch', 'keyword').autocomplete).toBe(true);
    expect(admin.options[0]!.options!.find((o) => o.name === 'remove')!.options![0]).toMatchObject({ name: 'feed', autocomplete: true, required: true });
  });
});
