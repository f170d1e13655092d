import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationCommandType, ChannelType, ComponentType, GatewayOpcodes, InteractionResponseType as Callback, InteractionType, Locale, MessageFlags, MessageType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import type { APIApplicationCommandAutocompleteInteraction, APIApplicationCommandInteractionDataBasicOption as Option, APIBaseInteraction, APIChatInputApplicationCommandGuildInteraction } from 'discord-api-types/v10';
import type { APIMessage, APIMessageComponentButtonInteraction, APITextChannel, APIUser, GuildMemberFlags } from 'discord-api-types/v10';
import { closeFake } from './close-server.ts';
import { WebSocketServer, type WebSocket } from 'ws';
import { DiscordAttachments } from './fake-discord-files.ts';
import { guildCreate } from './fake-discord-guild.ts';
import { error, formRefusal, found, nest, ok, parseRequest, pick, route, scriptedError, send, typed, wire, type Params, type PostedMessage, type Reply, type Route, type Scripted, type Upload } from './fake-discord-wire.ts';
import { waitUntil } from './wait.ts';

export type { PostedMessage, Scripted } from './fake-discord-wire.ts';
export type { DiscordAttachments, StoredAttachment } from './fake-discord-files.ts';
export type ChannelError = { status: number; code: number; message: string };
export interface InteractionOptions { channel?: string; user?: string; permissions?: bigint; appPermissions?: bigint }
export interface SlashOptions extends InteractionOptions { commandName?: string; group?: string }

/** What an ordinary member may do: the default for interactions, so tests opt in to admin rights explicitly. */
export const MEMBER_PERMISSIONS = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.UseApplicationCommands;
const BOT_PERMISSIONS = MEMBER_PERMISSIONS | P.EmbedLinks | P.AttachFiles | P.SendMessagesInThreads;
const DISCORD_EPOCH = 1_420_070_400_000n;
const NONCE_WINDOW_MS = 5 * 60_000;

/**
 * A Discord on 127.0.0.1 that a real discord.js Client logs into: REST under /api/v10 (bot token, messages
 * with nonces, interaction callbacks, interaction webhooks, command registration) and a JSON gateway
 * (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, RECONNECT, INTERACTION_CREATE).
 */
export class FakeDiscord {
  readonly botUserId = '1100000000000000001';
  readonly applicationId = this.botUserId; // a bot's application id is its user id
  readonly token = `${Buffer.from(this.botUserId).toString('base64')}.ZmFrZQ.fake-discord-secret`;
  readonly guildId = '1100000000000000010';
  readonly channelId = '1100000000000000020';
  readonly userId = '1100000000000000100';
  readonly botUser: APIUser = { id: this.botUserId, username: 'ainews', discriminator: '0', global_name: null, avatar: null, bot: true };
  /** Every REST call; `auth` is its Authorization header, `status` what the fake answered (null while hung), `files` its file parts. */
  readonly calls: { method: string; path: string; body: Record<string, unknown>; files: Upload[]; at: number; auth: string | null; status: number | null }[] = [];
  readonly messages: PostedMessage[] = [];
  readonly interactionResponses: { interactionId: string; token: string; body: { type: number; data?: any } }[] = [];
  readonly webhookEdits: { token: string; messageId: string; body: Record<string, unknown> }[] = [];
  readonly followups: { token: string; body: Record<string, unknown> }[] = [];
  readonly commandPuts: { path: string; body: Record<string, unknown>[] }[] = [];
  /** Requests refused as Discord would refuse them (50035 Invalid Form Body, 50006), with the answer given. */
  readonly refused: { route: string; body: Record<string, unknown>; answer: unknown }[] = [];
  /** Channels whose every REST call fails this way, e.g. 403 { code: 50001, message: 'Missing Access' }. */
  readonly channelErrors = new Map<string, ChannelError>();
  /** Channels where the bot lacks Attach Files (a message with a file: 403, 50013); the server's roles besides @everyone. */
  readonly noAttachFiles = new Set<string>();
  readonly roles: { id: string; name: string; mentionable: boolean }[] = [];
  /** A bot without Read Message History: Discord then lists no messages (200, empty); posting still works. */
  hideHistory = false;
  /** The files messages were sent or edited with, each with its bytes: `attachments.of(messageId)`. */
  readonly attachments: DiscordAttachments;
  identifies = 0;
  resumes = 0;
  /** The most gateway sessions open at once so far: Discord allows one per shard, so two bots' would both receive each event. */
  maxOpenSessions = 0;
  private readonly sessions = new Set<WebSocket>(); // sockets that sent IDENTIFY or RESUME, until they close
  private readonly heartbeatInterval: number;
  private readonly interactionDeadlineMs: number;
  private readonly script = new Map<string, Scripted[]>();
  private readonly hung: ServerResponse[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  private live: WebSocket | null = null; // the socket whose session is READY or RESUMED
  private sessionId: string | null = null;
  private seq = 0;
  private lastSnowflake = 0n;
  private readonly interactions = new Map<string, { type: InteractionType; token: string; channel: string; at: number; answered: boolean }>();
  private readonly originals = new Map<string, APIMessage>(); // by interaction token: what @original is
  private readonly settled = new Set<string>(); // tokens whose @original has its real content (not "thinking…")
  private readonly routes: Route[] = [
    route('gatewayBot', 'GET', /^\/gateway\/bot$/, true, () => ok({ url: this.wsUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } })),
    route('gateway', 'GET', /^\/gateway$/, false, () => ok({ url: this.wsUrl })),
    route('me', 'GET', /^\/users\/@me$/, true, () => ok(this.botUser)),
    route('application', 'GET', /^\/applications\/@me$/, true, () => ok({ id: this.applicationId, name: 'ainews', description: '', icon: null, bot_public: false, bot_require_code_grant: false, verify_key: 'fake', flags: 0, bot: this.botUser })),
    route('channel', 'GET', /^\/channels\/(\d+)$/, true, ({ match }) => (match[1] === this.channelId ? ok(this.newsChannel()) : error(404, 10003, 'Unknown Channel'))),
    route('createMessage', 'POST', /^\/channels\/(\d+)\/messages$/, true, (p) => this.createMessage(p.match[1]!, p.body, p.files)),
    route('listMessages', 'GET', /^\/channels\/(\d+)\/messages$/, true, (p) => ok(this.hideHistory ? [] : this.listMessages(p.match[1]!, p.query))),
    route('editMessage', 'PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, true, (p) => this.editMessage(p.match[1]!, p.match[2]!, p.body, p.files)),
    route('getMessage', 'GET', /^\/channels\/(\d+)\/messages\/(\d+)$/, true, ({ match }) => found(this.messages.find((m) => m.channel_id === match[1] && m.id === match[2]))),
    route('interactionCallback', 'POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, false, (p) => this.callback(p.match[1]!, p.match[2]!, p)),
    route('editOriginal', 'PATCH', /^\/webhooks\/\d+\/([^/]+)\/messages\/([^/]+)$/, false, (p) => this.editWebhookMessage(p.match[1]!, p.match[2]!, p.body, p.files)),
    route('getOriginal', 'GET', /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/, false, ({ match }) => found(this.originals.get(match[1]!))),
    route('deleteOriginal', 'DELETE', /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/, false, ({ match }) => (this.originals.delete(match[1]!), { status: 204 })),
    route('followup', 'POST', /^\/webhooks\/\d+\/([^/]+)$/, false, ({ match, body, files }) => {
      this.followups.push({ token: match[1]!, body });
      const channel = [...this.interactions.values()].find((i) => i.token === match[1])?.channel ?? this.channelId;
      return ok(this.message(channel, body, (Number(body.flags ?? 0) & MessageFlags.Ephemeral) === 0, MessageType.ChatInputCommand, { route: 'followup', files }));
    }),
    route('putCommands', 'PUT', /^\/applications\/\d+(?:\/guilds\/(\d+))?\/commands$/, true, (p) => this.putCommands(p)),
  ];

  /** `heartbeatInterval` is sent in HELLO; `interactionDeadlineMs` is how long an interaction may wait for its callback; `attachmentSizeLimit` is the largest file a message may carry. */
  constructor(options: { heartbeatInterval?: number; interactionDeadlineMs?: number; attachmentSizeLimit?: number } = {}) {
    this.heartbeatInterval = options.heartbeatInterval ?? 41_250;
    this.interactionDeadlineMs = options.interactionDeadlineMs ?? 3000;
    this.attachments = new DiscordAttachments(() => this.url, () => this.snowflake(), options.attachmentSizeLimit);
  }

  async listen(): Promise<this> {
    // Discord's gateway accepts any path; discord.js connects to `${url}?v=10&encoding=json`.
    this.server.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws)));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** For `new Client({ rest: { api: fake.apiUrl } })`; discord.js appends /v10. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  get wsUrl(): string {
    return this.url.replace('http', 'ws');
  }

  /** True while a gateway session is live: READY or RESUMED was sent on a socket that is still open. */
  get connected(): boolean {
    return this.live !== null && this.live.readyState === this.live.OPEN;
  }

  /** Answers the next calls of a route (by name, e.g. 'createMessage') as scripted, one entry per call. */
  fail(route: string, ...answers: Scripted[]): void {
    if (!this.routes.some((r) => r.name === route)) throw new Error(`no route named ${route}`);
    this.script.set(route, [...(this.script.get(route) ?? []), ...answers]);
  }

  /** The REST calls of a method to matching paths, e.g. callsTo('POST', /\/messages$/). */
  callsTo(method: string, path: RegExp) {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  messagesIn(channel: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel_id === channel);
  }

  /** Drops the gateway connection abruptly, as a network failure would; discord.js reconnects and RESUMEs. */
  dropConnection(): void {
    for (const client of this.wss.clients) client.terminate();
    this.live = null;
  }

  /** Sends op 7 RECONNECT, as Discord does before it moves a session; discord.js closes, reconnects and RESUMEs. */
  requestReconnect(): void {
    this.live?.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
  }

  /** Sends a dispatch event on the live session, with the next sequence number. */
  dispatch(event: string, data: unknown): void {
    if (!this.live) throw new Error(`no live gateway session to dispatch ${event} on`);
    this.live.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t: event, s: ++this.seq, d: data }));
  }

  /** Dispatches `/ainews <subcommand> ...options` (inside `group` if given); strings, integers, numbers and booleans are typed as Discord types them. */
  slash(subcommand: string, options: Record<string, string | number | boolean>, opts: SlashOptions = {}): { id: string; token: string } {
    const data = { id: '1100000000000000500', name: opts.commandName ?? 'ainews', type: ApplicationCommandType.ChatInput as const, options: nest(subcommand, opts.group, typed(options)) };
    const payload = { ...this.base(opts), type: InteractionType.ApplicationCommand as const, data };
    return this.send(payload satisfies APIChatInputApplicationCommandGuildInteraction);
  }

  /** Dispatches an autocomplete request for `focusedOption` (currently typed as `value`) of `/ainews <subcommand>`. */
  autocomplete(subcommand: string, focusedOption: string, value: string | number, opts: SlashOptions & { options?: Record<string, string | number | boolean> } = {}): { id: string; token: string } {
    const focused = { ...typed({ [focusedOption]: value })[0]!, focused: true } as Option;
    const data = { id: '1100000000000000500', name: opts.commandName ?? 'ainews', type: ApplicationCommandType.ChatInput as const, options: nest(subcommand, opts.group, [...typed(opts.options ?? {}), focused]) };
    const payload = { ...this.base(opts), type: InteractionType.ApplicationCommandAutocomplete as const, data };
    return this.send(payload satisfies APIApplicationCommandAutocompleteInteraction);
  }

  /** Dispatches a click on button `customId`, on an earlier ephemeral reply unless `messageId` names a posted message. */
  button(customId: string, opts: InteractionOptions & { messageId?: string } = {}): { id: string; token: string } {
    const channel = opts.channel ?? this.channelId;
    const button = { type: ComponentType.Button as const, style: 1 as const, label: 'Button', custom_id: customId };
    const message = this.messages.find((m) => m.id === opts.messageId) ?? {
      ...this.message(channel, { content: 'earlier reply', flags: MessageFlags.Ephemeral }, false),
      components: [{ type: ComponentType.ActionRow, components: [button] }],
    };
    const payload = { ...this.base(opts), type: InteractionType.MessageComponent as const, data: { custom_id: customId, component_type: ComponentType.Button as const }, message: wire(message) };
    const sent = this.send(payload satisfies APIMessageComponentButtonInteraction);
    this.originals.set(sent.token, message); // a component interaction's @original is the message it sits on
    return sent;
  }

  /** The first callback the bot sent for interaction `id` ({ type: 4, data } for reply, 5 for deferReply, 7 for update, 8 for autocomplete…). */
  async response(id: string, timeoutMs = 5000): Promise<{ type: number; data?: any }> {
    await waitUntil(() => this.interactionResponses.some((r) => r.interactionId === id), timeoutMs, `response to interaction ${id}`);
    return this.interactionResponses.find((r) => r.interactionId === id)!.body;
  }

  /** The interaction's @original message as it is now (after reply/update, deferReply, editReply). */
  original(token: string): APIMessage | undefined {
    return this.originals.get(token);
  }

  /** Resolves with @original once it has real content: after reply or update, or the first editReply after deferReply. */
  async waitForOriginal(token: string, timeoutMs = 5000): Promise<APIMessage> {
    await waitUntil(() => this.settled.has(token), timeoutMs, `@original of interaction ${token}`);
    return this.originals.get(token)!;
  }

  close(): Promise<void> {
    return closeFake(this.server, this.wss, this.hung);
  }

  private accept(ws: WebSocket): void {
    ws.on('message', (raw) => this.onGatewayMessage(ws, JSON.parse(String(raw)) as { op: number; d: any }));
    ws.on('close', () => { this.sessions.delete(ws); if (this.live === ws) this.live = null; });
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatInterval } }));
  }

  private onGatewayMessage(ws: WebSocket, { op, d }: { op: number; d: any }): void {
    if (op === GatewayOpcodes.Heartbeat) return ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
    if ((op === GatewayOpcodes.Identify || op === GatewayOpcodes.Resume) && d?.token !== this.token) return ws.close(4004, 'Authentication failed.');
    if (op === GatewayOpcodes.Identify) {
      this.identifies++;
      this.sessionId = randomBytes(16).toString('hex');
      this.seq = 0; // sequence numbers are per session
      this.goLive(ws);
      this.dispatch('READY', { v: 10, user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 }, guilds: [{ id: this.guildId, unavailable: true }], session_id: this.sessionId, resume_gateway_url: this.wsUrl, shard: [0, 1], application: { id: this.applicationId, flags: 0 } });
      this.dispatch('GUILD_CREATE', guildCreate({ guildId: this.guildId, userId: this.userId, botUser: this.botUser, roles: this.roles, channel: this.newsChannel(), permissions: MEMBER_PERMISSIONS }));
    } else if (op === GatewayOpcodes.Resume) {
      // Nothing is missed while disconnected here, so there is nothing to replay.
      if (d.session_id !== this.sessionId) return ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      this.resumes++;
      this.goLive(ws);
      this.dispatch('RESUMED', {});
    }
  }

  private goLive(ws: WebSocket): void {
    this.live = ws;
    this.sessions.add(ws);
    this.maxOpenSessions = Math.max(this.maxOpenSessions, this.sessions.size);
  }

  private newsChannel(): APITextChannel {
    return { id: this.channelId, type: ChannelType.GuildText, guild_id: this.guildId, name: 'news', position: 0, permission_overwrites: [], parent_id: null, topic: null, nsfw: false, rate_limit_per_user: 0, last_message_id: null };
  }

  private snowflake(): string {
    const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.lastSnowflake = now > this.lastSnowflake ? now : this.lastSnowflake + 1n; // strictly increasing, like Discord's
    return String(this.lastSnowflake);
  }

  /** The fields every guild interaction carries; BaseInteraction reads entitlements and app_permissions unconditionally. */
  private base(opts: InteractionOptions) {
    const channel = opts.channel ?? this.channelId;
    const userId = opts.user ?? this.userId;
    const user: APIUser = { id: userId, username: userId === this.userId ? 'alice' : `user${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null };
    const id = this.snowflake();
    return {
      id, application_id: this.applicationId, token: `aW50ZXJhY3Rpb246${id}:${randomBytes(12).toString('hex')}`, version: 1 as const,
      guild_id: this.guildId, guild: { id: this.guildId, locale: Locale.EnglishUS, features: [] }, channel_id: channel,
      channel: channel === this.channelId ? this.newsChannel() : { id: channel, type: ChannelType.GuildText as const, guild_id: this.guildId, name: `channel-${channel.slice(-4)}` },
      member: { user, nick: null, avatar: null, banner: null, roles: [], joined_at: new Date(0).toISOString(), premium_since: null, deaf: false, mute: false, flags: 0 as GuildMemberFlags, pending: false, permissions: String(opts.permissions ?? MEMBER_PERMISSIONS) },
      app_permissions: String(opts.appPermissions ?? BOT_PERMISSIONS), locale: Locale.EnglishUS, guild_locale: Locale.EnglishUS, entitlements: [],
      authorizing_integration_owners: { '0': this.guildId }, context: 0 as const, attachment_size_limit: this.attachments.fileSizeLimit,
    } satisfies Omit<APIBaseInteraction<InteractionType, unknown>, 'type'>;
  }

  private send(payload: { id: string; token: string; type: InteractionType; channel_id: string }): { id: string; token: string } {
    this.interactions.set(payload.id, { type: payload.type, token: payload.token, channel: payload.channel_id, at: Date.now(), answered: false });
    this.dispatch('INTERACTION_CREATE', payload);
    return { id: payload.id, token: payload.token };
  }

  /** A message by the bot in `channel`, with the files `sent` carried; `visible` ones land in the channel's history, as non-ephemeral ones do on Discord. */
  private message(channel: string, body: Record<string, unknown>, visible: boolean, type = MessageType.Default, sent?: { route: string; files: Upload[] }): PostedMessage {
    const message: PostedMessage = {
      id: this.snowflake(), channel_id: channel, author: this.botUser, content: String(body.content ?? ''), timestamp: new Date().toISOString(), edited_timestamp: null,
      tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: (body.embeds as APIMessage['embeds']) ?? [],
      components: (body.components as APIMessage['components']) ?? [], pinned: false, type, flags: Number(body.flags ?? 0), request: body,
      ...(body.nonce !== undefined ? { nonce: body.nonce as string } : {}),
    };
    if (sent) this.attachments.attach(message, sent.route, sent.files, body.attachments);
    if (visible) this.messages.push(message);
    return message;
  }

  private createMessage(channel: string, body: Record<string, unknown>, files: Upload[]): Reply {
    if (files.length && this.noAttachFiles.has(channel)) return error(403, 50013, 'Missing Permissions');
    if (body.enforce_nonce === true && body.nonce !== undefined) {
      // Discord answers a repeated nonce with the message it already created, for a few minutes.
      const earlier = this.messagesIn(channel).find((m) => m.nonce === body.nonce && Date.now() - Date.parse(m.timestamp) < NONCE_WINDOW_MS);
      if (earlier) return ok({ ...wire(earlier), nonce: earlier.nonce });
    }
    const message = this.message(channel, body, true, MessageType.Default, { route: 'createMessage', files });
    return ok({ ...wire(message), nonce: message.nonce });
  }

  /** Newest first, as Discord lists them; with `after`, the `limit` messages right after it (still newest first). */
  private listMessages(channel: string, query: URLSearchParams): APIMessage[] {
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    const after = BigInt(query.get('after') ?? 0);
    const before = query.has('before') ? BigInt(query.get('before')!) : null;
    const matching = this.messagesIn(channel).filter((m) => BigInt(m.id) > after && (before === null || BigInt(m.id) < before));
    const page = query.has('after') ? matching.slice(0, limit) : matching.slice(-limit);
    return page.reverse().map(wire);
  }

  private callback(interactionId: string, token: string, { body, query, files }: Params): Reply {
    const interaction = this.interactions.get(interactionId);
    // Discord forgets an interaction that is not answered within 3 seconds.
    const late = interaction && Date.now() - interaction.at > this.interactionDeadlineMs;
    if (!interaction || interaction.token !== token || late) return error(404, 10062, 'Unknown interaction');
    if (interaction.answered) return error(400, 40060, 'Interaction has already been acknowledged.');
    interaction.answered = true;
    this.interactionResponses.push({ interactionId, token, body: body as { type: number; data?: any } });
    const data = (body.data ?? {}) as Record<string, unknown>;
    const ephemeral = (Number(data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    let message = this.originals.get(token);
    if (body.type === Callback.ChannelMessageWithSource || body.type === Callback.DeferredChannelMessageWithSource) {
      const loading = body.type === Callback.DeferredChannelMessageWithSource;
      message = this.message(interaction.channel, { ...data, flags: Number(data.flags ?? 0) | (loading ? MessageFlags.Loading : 0) }, !ephemeral, MessageType.ChatInputCommand, { route: 'interactionCallback', files });
      this.originals.set(token, message);
      if (!loading) this.settled.add(token);
    } else if (body.type === Callback.UpdateMessage && message) {
      Object.assign(message, pick(data), { edited_timestamp: new Date().toISOString() });
      this.attachments.attach(message, 'interactionCallback', files, data.attachments);
      this.settled.add(token);
    }
    if (query.get('with_response') !== 'true') return { status: 204 };
    const withMessage = body.type === Callback.ChannelMessageWithSource || body.type === Callback.UpdateMessage;
    return ok({
      interaction: { id: interactionId, type: interaction.type, response_message_id: message?.id, response_message_loading: body.type === Callback.DeferredChannelMessageWithSource, response_message_ephemeral: ephemeral },
      resource: body.type === Callback.Modal ? undefined : { type: body.type, ...(withMessage && message ? { message: wire(message) } : {}) },
    });
  }

  /** A bot may edit only its own messages; the edit replaces the fields it gives. */
  private editMessage(channel: string, messageId: string, body: Record<string, unknown>, files: Upload[]): Reply {
    const message = this.messages.find((m) => m.channel_id === channel && m.id === messageId);
    if (!message) return error(404, 10008, 'Unknown Message');
    if (message.author.id !== this.botUser.id) return error(403, 50005, 'Cannot edit a message authored by another user');
    Object.assign(message, pick(body), { edited_timestamp: new Date().toISOString() });
    this.attachments.attach(message, 'editMessage', files, body.attachments);
    return ok(wire(message));
  }

  private editWebhookMessage(token: string, messageId: string, body: Record<string, unknown>, files: Upload[]): Reply {
    this.webhookEdits.push({ token, messageId, body });
    const message = messageId === '@original' ? this.originals.get(token) : this.messages.find((m) => m.id === messageId);
    if (!message) return error(404, 10008, 'Unknown Message');
    // An edit replaces what it names and ends the "thinking…" state of a deferred reply.
    Object.assign(message, pick(body), { flags: (message.flags ?? 0) & ~MessageFlags.Loading, edited_timestamp: new Date().toISOString() });
    this.attachments.attach(message, 'editOriginal', files, body.attachments);
    if (messageId === '@original') this.settled.add(token);
    return ok(wire(message));
  }

  private putCommands({ match, body }: Params): Reply {
    const commands = (Array.isArray(body) ? body : []) as Record<string, unknown>[];
    this.commandPuts.push({ path: match[0], body: commands });
    const echoed = commands.map((c) => ({ type: 1, default_member_permissions: null, nsfw: false, ...c, id: this.snowflake(), application_id: this.applicationId, version: this.snowflake(), ...(match[1] ? { guild_id: match[1] } : {}) }));
    return ok(echoed);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const attachment = req.method === 'GET' ? this.attachments.served(url.pathname) : null;
    if (attachment) return void res.writeHead(200, { 'Content-Type': attachment.contentType ?? 'application/octet-stream' }).end(attachment.data);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, '')); // %40original → @original
    const raw = Buffer.concat(chunks);
    const { body, files } = (await parseRequest(raw, req.headers['content-type'] ?? '')) as { body: Record<string, unknown>; files: Upload[] };
    const call = { method: req.method ?? 'GET', path, body, files, at: Date.now(), auth: req.headers.authorization ?? null, status: null as number | null };
    this.calls.push(call);
    const reply = this.answer(call, url.searchParams, raw.length);
    if (reply === 'hang') return void this.hung.push(res);
    call.status = reply.status;
    send(res, reply);
  }

  private answer({ method, path, body, files, auth }: FakeDiscord['calls'][number], query: URLSearchParams, size: number): Reply | 'hang' {
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) return error(404, 0, '404: Not Found');
    if (route.auth && auth !== `Bot ${this.token}`) return error(401, 0, '401: Unauthorized');
    const channelError = this.channelErrors.get(/^\/channels\/(\d+)/.exec(path)?.[1] ?? '');
    if (channelError) return error(channelError.status, channelError.code, channelError.message);
    const data = (route.name === 'interactionCallback' ? (body.data ?? {}) : body) as Record<string, unknown>;
    const refusal = this.attachments.refusal(size, files, data.attachments) ?? formRefusal(route.name, body, files);
    if (refusal) return (this.refused.push({ route: route.name, body, answer: refusal.body }), refusal);
    const scripted = this.script.get(route.name)?.shift();
    if (scripted && 'status' in scripted) return scriptedError(scripted);
    const reply = route.handle({ match: path.match(route.pattern)!, body, query, files });
    return scripted ? 'hang' : reply; // a hung call took effect; only its answer is lost
  }
}
