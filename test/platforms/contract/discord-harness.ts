import { MessageFlags } from 'discord.js';
import { createLogger } from '../../../src/log.ts';
import { COMMANDS } from '../../../commands/index.ts';
import { parseTypedArgs, resolveTyped } from '../../../commands/options.ts';
import { createDiscord } from '../../../src/platforms/discord/discord-app.ts';
import { commandPath } from '../../../src/platforms/discord/slash-commands.ts';
import type { TestApp } from '../../helpers/app.ts';
import { FakeDiscord, type PostedMessage } from '../../helpers/fake-discord.ts';
import { answerOrRefusal, BaseHarness, type Asker, type PlatformHarness, type Posted, type PostFailure, type Reply } from './harness.ts';

const ADMIN = '900000000000000009';
const BOB = '1100000000000000200';

/** Discord, over its gateway and REST API, against the fake Discord. */
export class DiscordHarness extends BaseHarness implements PlatformHarness {
  readonly name = 'discord';
  readonly discord = new FakeDiscord();
  readonly goneReason = /^50001 Missing Access/;

  get channel(): string {
    return `discord:${this.discord.channelId}`;
  }

  protected async listen() {
    await this.discord.listen();
    return { DISCORD_TOKEN: this.discord.token, DISCORD_APPLICATION_ID: this.discord.applicationId, DISCORD_API_URL: this.discord.apiUrl, AINEWS_ADMINS: `discord:${ADMIN}` };
  }

  protected async connect(app: TestApp) {
    const platform = createDiscord(app.config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100 })!;
    if (!(await platform.start())) throw new Error('Discord did not connect');
    return platform;
  }

  protected closeFake() {
    return this.discord.close();
  }

  /** What typed text would be in Discord: the subcommand and options the user picks for it. */
  async command(text: string, as: Asker = {}): Promise<Reply> {
    const { sub, options, top, group } = slashCommand(text);
    const sent = this.discord.slash(sub, options, { user: this.userId(as), commandName: top, ...(group ? { group } : {}) });
    return this.answer(sent, `/ainews ${text}`);
  }

  async more(reply: Reply, as: Asker = {}): Promise<Reply> {
    const rows = ((reply.raw as PostedMessage).components ?? []) as { components: { custom_id?: string }[] }[];
    const customId = rows.flatMap((row) => row.components).find((button) => /^ainews:(more|page):/.test(button.custom_id ?? ''))?.custom_id;
    if (!customId) throw new Error('the reply has no More button');
    return this.answer(this.discord.button(customId, { user: this.userId(as) }), 'More');
  }

  /** The alerts: the bot's messages sent with a nonce (replies to commands have none), as they are now. */
  posts(): Posted[] {
    return this.discord.messagesIn(this.discord.channelId).filter((m) => m.author.id === this.discord.botUserId && m.request.nonce).map(read);
  }

  failNextPost(how: PostFailure): void {
    if (how === 'gone') this.discord.channelErrors.set(this.discord.channelId, { status: 403, code: 50001, message: 'Missing Access' });
    else this.discord.fail('createMessage', how === 'server-error' ? { status: 500 } : how === 'no-answer' ? { hang: true } : { status: 429, retryAfter: 1 });
  }

  postAttempts(): number[] {
    return this.discord.callsTo('POST', /^\/channels\/\d+\/messages$/).map((call) => call.at);
  }

  lookups(): number[] {
    return this.discord.callsTo('GET', /^\/channels\/\d+\/messages$/).map((call) => call.at);
  }

  refused(): unknown[] {
    return this.discord.refused;
  }

  private userId(as: Asker): string {
    return as.admin ? ADMIN : as.user === 'bob' ? BOB : this.discord.userId;
  }

  /** The answer is the interaction's message as it ends up: a reply, a deferral's edit, or the message a button updated. */
  private async answer({ id, token }: { id: string; token: string }, what: string): Promise<Reply> {
    const responded = () => this.discord.interactionResponses.some((r) => r.interactionId === id);
    await answerOrRefusal(responded, () => this.discord.refused, what);
    const first = await this.discord.response(id);
    await answerOrRefusal(() => this.discord.original(token)?.flags !== undefined && (this.discord.original(token)!.flags! & MessageFlags.Loading) === 0, () => this.discord.refused, what);
    const message = this.discord.original(token)! as PostedMessage;
    const hasMore = JSON.stringify(message.components ?? []).includes('"custom_id":"ainews:');
    return { text: read(message).text, private: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0, hasMore, replaced: first.type === 7, raw: message };
  }
}

/** Typed text as the subcommand and options a Discord user would pick for it. */
/** The subcommand and options a user picks in Discord for what would be typed in chat: the same definitions decide. */
function slashCommand(text: string): { sub: string; options: Record<string, string | number>; top: string; group: string | null } {
  const { command, args } = resolveTyped(COMMANDS, text);
  const values = parseTypedArgs(command, args);
  const options = Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
  const path = commandPath(command);
  return { ...path, options };
}

const unescape = (text: string) => text.replace(/\u200b/g, '').replace(/\\([\\*_~`|[\]()>#.+-])/g, '$1');

/**
 * A message as Discord shows it: markdown escapes undone, and what Discord would take for a mention or
 * a masked link (a label that opens another address) picked out. Messages that let mentions ping count
 * as mentioning.
 */
function read(message: PostedMessage): Posted {
  const parts = [
    message.content,
    ...message.embeds.flatMap((e) => [e.author?.name, e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text]),
  ].filter((part): part is string => Boolean(part));
  const markdown = parts.join('\n');
  const mentions: string[] = markdown.match(/@(everyone|here)\b|<@[!&]?\d+>|<#\d+>/g) ?? [];
  const allowed = JSON.stringify(message.request.allowed_mentions);
  if (allowed !== JSON.stringify({ parse: [] })) mentions.push(`allowed_mentions ${allowed}`);
  const links = [
    ...message.embeds.filter((e) => e.url).map((e) => ({ label: unescape(e.title ?? ''), url: e.url! })),
    ...[...markdown.matchAll(/(?<!\\)\[((?:[^\]\\]|\\.)*)(?<!\\)\]\((\S+?)\)/g)].map((m) => ({ label: unescape(m[1]!), url: m[2]! })),
  ];
  return { id: message.id, text: unescape(markdown), mentions, links, replies: [], raw: message };
}
