import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeFake } from './close-server.ts';
import { SlackFiles, uploadedBytes, type CompletedUpload, type SlackAnswer } from './fake-slack-files.ts';
import { slackRefusal, type SlackRefusal } from './slack-limits.ts';
import { WebSocketServer, type WebSocket } from 'ws';

/** A message the fake holds, as chat.postMessage received it. */
export interface PostedMessage {
  ts: string;
  channel: string;
  text: string;
  blocks: unknown[];
  unfurl_links: unknown;
  unfurl_media: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** The parent's ts, for a reply in a thread. */
  thread_ts?: string;
  /** The files a files.completeUploadExternal shared, as Slack lists them in the message. */
  files?: Record<string, unknown>[];
  raw: Record<string, unknown>;
}

export type { CompletedUpload, SlackFile } from './fake-slack-files.ts';

/**
 * How the fake answers the next call of a method, instead of normally: an HTTP status (500, or 429 with
 * Retry-After seconds), a Slack error, or `hang` (the message is posted, or the upload shared, but no
 * answer ever comes). The method `upload_url` stands for the POST of a file's bytes to its upload URL.
 */
export type Scripted = { status: 500 | 503 } | { status: 429; retryAfter: number } | { error: string } | { hang: true };

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files']);
/** The methods and paths whose bodies are messages, checked against Block Kit's limits. */
const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update']);

/**
 * A Slack on 127.0.0.1 that speaks the wire protocol Bolt and the Web API client use: Web API methods
 * (form or JSON bodies, Bearer tokens), a Socket Mode WebSocket (hello, envelopes, acks carrying the
 * envelope id) and a response_url sink.
 */
export class FakeSlack {
  readonly botToken = 'xoxb-test-token';
  readonly appToken = 'xapp-test-token';
  readonly team = 'T0TEST';
  readonly posts: PostedMessage[] = [];
  readonly calls: { method: string; body: Record<string, unknown>; at: number }[] = [];
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  /** Messages refused as Slack would refuse them (too long, too many blocks…), with Slack's answer. */
  readonly refused: { method: string; body: Record<string, unknown>; refusal: SlackRefusal }[] = [];
  /** Channels the bot is not in (chat.postMessage answers not_in_channel; conversations.info says so). */
  readonly notMember = new Set<string>();
  readonly workspaceAdmins = new Set<string>();
  /** The workspace's user groups (usergroups.list) and members (users.list, one page). */
  readonly userGroups: { id: string; handle: string }[] = [];
  readonly members: { id: string; name: string }[] = [];
  /** Where uploads' bytes go, and what files.completeUploadExternal finished. */
  readonly files = new SlackFiles(() => this.url, this.team);
  private readonly script = new Map<string, Scripted[]>();
  private readonly hung: ServerResponse[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | null = null;
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private tsCounter = 0;
  private envelopeCounter = 0;

  /** Listens on 127.0.0.1, on `port` when given (to come back where an outage left off). */
  async listen(port = 0): Promise<this> {
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Answers the next calls of `method` as scripted, one entry per call. */
  fail(method: string, ...answers: Scripted[]): void {
    this.script.set(method, [...(this.script.get(method) ?? []), ...answers]);
  }

  callsOf(method: string) {
    return this.calls.filter((c) => c.method === method);
  }

  /** The uploads files.completeUploadExternal finished, in order: one per file, with its bytes. */
  get uploads(): CompletedUpload[] {
    return this.files.completed;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  /** Asks the app to reconnect, as Slack does before it recycles a connection's server. */
  requestReconnect(): void {
    this.socket?.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'fake' } }));
  }

  /** Drops the Socket Mode connection abruptly, as a network failure would. */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  /** Sends an envelope over the Socket Mode connection and resolves with the app's ack. */
  envelope(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): Promise<unknown> {
    if (!this.socket) throw new Error('no Socket Mode connection');
    const id = `env-${++this.envelopeCounter}`;
    const acked = new Promise<unknown>((resolve) => this.acks.set(id, resolve));
    this.socket.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type === 'slash_commands', retry_attempt: 0, retry_reason: '' }));
    return acked;
  }

  /** A slash command's payload, as Slack sends it over the socket or (form-encoded) over HTTP. */
  slashPayload(text: string, options: { channel?: string; user?: string } = {}): Record<string, string> {
    return {
      token: 'verification-token',
      team_id: this.team,
      team_domain: 'test',
      channel_id: options.channel ?? 'C0NEWS',
      channel_name: 'news',
      user_id: options.user ?? 'U0ALICE',
      user_name: 'alice',
      command: '/ainews',
      text,
      api_app_id: 'A0AINEWS',
      is_enterprise_install: 'false',
      response_url: `${this.url}/respond/${++this.envelopeCounter}`,
      trigger_id: 'trigger',
    };
  }

  /** The payload of a click on a button in an ephemeral message. */
  buttonPayload(actionId: string, value: string, options: { channel?: string; user?: string } = {}): Record<string, unknown> {
    const user = options.user ?? 'U0ALICE';
    return {
      type: 'block_actions',
      team: { id: this.team, domain: 'test' },
      user: { id: user, username: 'alice', name: 'alice', team_id: this.team },
      api_app_id: 'A0AINEWS',
      token: 'verification-token',
      container: { type: 'message', is_ephemeral: true },
      trigger_id: 'trigger',
      channel: { id: options.channel ?? 'C0NEWS', name: 'news' },
      response_url: `${this.url}/respond/${++this.envelopeCounter}`,
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, text: { type: 'plain_text', text: 'More' }, action_ts: '1' }],
    };
  }

  /**
   * Sends a slash command to an app in HTTP mode as Slack does: form-encoded, signed with the signing
   * secret (v0 HMAC-SHA256 over the timestamp and body). Returns the HTTP status the app answered.
   */
  async sendSigned(appUrl: string, secret: string, form: Record<string, string>, options: { timestamp?: number; tamper?: boolean } = {}): Promise<number> {
    const body = new URLSearchParams(form).toString();
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const response = await fetch(appUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': timestamp,
        'X-Slack-Signature': options.tamper ? signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')) : signature,
      },
      body,
    });
    await response.text();
    return response.status;
  }

  close(): Promise<void> {
    return closeFake(this.server, this.wss, this.hung);
  }

  private accept(ws: WebSocket): void {
    this.socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (message.envelope_id) this.acks.get(message.envelope_id)?.(message.payload ?? {});
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = null;
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0AINEWS' } }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/upload/v1/')) return this.upload(url.pathname.slice('/upload/v1/'.length), await uploadedBytes(Buffer.concat(chunks), req.headers['content-type'] ?? ''), res);
    if (url.pathname.startsWith('/files-pri/')) {
      const data = req.headers.authorization === `Bearer ${this.botToken}` ? this.files.served(url.pathname) : null;
      return void (data ? res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(data) : res.writeHead(404).end());
    }
    const body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type'] ?? '');
    if (url.pathname.startsWith('/respond/')) {
      const refusal = slackRefusal(body);
      if (refusal) {
        this.refused.push({ method: 'response_url', body, refusal });
        // A response_url answers like an incoming webhook: an HTTP error whose body is the reason.
        return void res.writeHead(400, { 'Content-Type': 'text/plain' }).end(refusal.error);
      }
      this.responses.push({ path: url.pathname, body });
      return send(res, 200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, '');
    this.calls.push({ method, body, at: Date.now() });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (body.token as string | undefined);
    if (!token) return send(res, 200, { ok: false, error: 'not_authed' });
    const wanted = method === 'apps.connections.open' ? this.appToken : this.botToken;
    if (token !== wanted) return send(res, 200, { ok: false, error: method === 'apps.connections.open' ? 'not_allowed_token_type' : 'invalid_auth' });
    const refusal = MESSAGE_METHODS.has(method) ? slackRefusal(body) : null;
    if (refusal) {
      this.refused.push({ method, body, refusal });
      return send(res, 200, refusal);
    }
    const scripted = this.script.get(method)?.shift();
    if (scripted && 'hang' in scripted) {
      if (method === 'chat.postMessage') this.post(body);
      if (method === 'files.completeUploadExternal') this.answer(method, body);
      this.hung.push(res);
      return;
    }
    if (scripted && 'status' in scripted) {
      const headers: Record<string, string> = scripted.status === 429 ? { 'Retry-After': String(scripted.retryAfter) } : {};
      return send(res, scripted.status, { ok: false, error: scripted.status === 429 ? 'ratelimited' : 'internal_error' }, headers);
    }
    if (scripted) return send(res, 200, { ok: false, error: scripted.error });
    send(res, 200, this.answer(method, body));
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'ainews', team_id: this.team, user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace('http', 'ws')}/socket` };
      case 'chat.postMessage': {
        const channel = String(body.channel ?? '');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (this.notMember.has(channel)) return { ok: false, error: 'not_in_channel' };
        const message = this.post(body);
        return { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } };
      }
      case 'chat.update': {
        const message = this.posts.find((m) => m.channel === body.channel && m.ts === body.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        Object.assign(message, { text: String(body.text ?? message.text), blocks: (body.blocks as unknown[]) ?? message.blocks });
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case 'conversations.history': {
        const oldest = Number(body.oldest ?? 0);
        const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
        const limit = Number(body.limit ?? 100);
        const start = Number(body.cursor ?? 0);
        // As Slack does: the channel's messages, not the replies in their threads.
        const matching = this.posts
          .filter((m) => m.channel === body.channel && Number(m.ts) >= oldest && !m.thread_ts)
          .reverse()
          .map(({ ts, text, blocks, metadata, files }) => ({ type: 'message', user: 'U0BOT', ts, text, blocks, ...shared(files), ...(withMetadata && metadata ? { metadata } : {}) }));
        return { ok: true, ...page(matching, start, limit) };
      }
      case 'conversations.replies': {
        const parent = this.posts.find((m) => m.channel === body.channel && m.ts === body.ts);
        if (!parent) return { ok: false, error: 'thread_not_found' };
        const oldest = Number(body.oldest ?? 0);
        const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
        const limit = Number(body.limit ?? 1000);
        const start = Number(body.cursor ?? 0);
        // The parent first, then its replies, oldest first.
        const thread = [parent, ...this.posts.filter((m) => m.thread_ts === parent.ts && Number(m.ts) >= oldest)].map(({ ts, text, metadata, thread_ts, files }) => ({
          type: 'message',
          user: 'U0BOT',
          ts,
          text,
          thread_ts: thread_ts ?? parent.ts,
          ...shared(files),
          ...(withMetadata && metadata ? { metadata } : {}),
        }));
        return { ok: true, ...page(thread, start, limit) };
      }
      case 'conversations.info': {
        const channel = String(body.channel);
        return { ok: true, channel: { id: channel, is_channel: true, is_member: !this.notMember.has(channel) } };
      }
      case 'users.info': {
        const user = String(body.user);
        return { ok: true, user: { id: user, name: user.toLowerCase(), is_admin: this.workspaceAdmins.has(user), is_owner: false } };
      }
      case 'usergroups.list':
        return { ok: true, usergroups: this.userGroups.map((g) => ({ id: g.id, team_id: this.team, handle: g.handle, name: g.handle, date_delete: 0 })) };
      case 'users.list':
        return { ok: true, members: this.members.map((m) => ({ id: m.id, name: m.name, deleted: false, profile: { display_name: m.name } })), response_metadata: { next_cursor: '' } };
      case 'files.getUploadURLExternal':
        return this.files.reserve(body);
      case 'files.completeUploadExternal':
        return this.completeUpload(body);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** The bytes of a file POSTed to its upload URL: HTTP 200 and a plain-text answer, as Slack's upload service gives. */
  private upload(fileId: string, data: Buffer, res: ServerResponse): void {
    this.calls.push({ method: 'upload_url', body: { file_id: fileId, length: data.length }, at: Date.now() });
    const scripted = this.script.get('upload_url')?.shift();
    if (scripted && 'hang' in scripted) return void (this.files.receive(fileId, data), this.hung.push(res));
    if (scripted) {
      const status = 'status' in scripted ? scripted.status : 400;
      const headers: Record<string, string> = 'retryAfter' in scripted ? { 'Retry-After': String(scripted.retryAfter) } : {};
      return void res.writeHead(status, { 'Content-Type': 'text/plain', ...headers }).end('error' in scripted ? scripted.error : 'upload failed');
    }
    if (!this.files.receive(fileId, data)) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`OK - ${data.length}`);
  }

  /**
   * files.completeUploadExternal. Given a channel, the files are shared there as Slack shares them: a
   * message by the bot whose text is the initial_comment (Slack ignores blocks when there is one) and
   * whose `files` lists them; with thread_ts, a reply in that thread.
   */
  private completeUpload(body: Record<string, unknown>): SlackAnswer {
    const checked = this.files.check(body);
    if ('ok' in checked) return checked;
    const channel = body.channel_id === undefined ? undefined : String(body.channel_id);
    if (channel !== undefined && !channel) return { ok: false, error: 'channel_not_found' };
    if (channel && this.notMember.has(channel)) return { ok: false, error: 'not_in_channel' };
    const blocks = body.initial_comment === undefined && Array.isArray(body.blocks) && body.blocks.length ? (body.blocks as unknown[]) : undefined;
    const refusal = blocks ? slackRefusal({ blocks }) : null;
    if (refusal) return (this.refused.push({ method: 'files.completeUploadExternal', body, refusal }), { ...refusal });
    const text = String(body.initial_comment ?? '');
    const message = channel ? this.post({ channel, text, ...(blocks ? { blocks } : {}), ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}) }) : undefined;
    const files = this.files.complete(checked.files, body, message?.ts);
    if (message) Object.assign(message, { files, raw: body });
    return { ok: true, files };
  }

  private post(body: Record<string, unknown>): PostedMessage {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.tsCounter).padStart(6, '0')}`;
    const message: PostedMessage = {
      ts,
      channel: String(body.channel),
      text: String(body.text ?? ''),
      blocks: (body.blocks as unknown[]) ?? [],
      unfurl_links: body.unfurl_links,
      unfurl_media: body.unfurl_media,
      metadata: body.metadata as PostedMessage['metadata'],
      ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}),
      raw: body,
    };
    this.posts.push(message);
    return message;
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) out[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** What a message that shares files carries besides its text, as history lists it. */
function shared(files: Record<string, unknown>[] | undefined) {
  return files ? { files, upload: true, display_as_bot: false } : {};
}

/** One page of messages as Slack pages them: the cursor is the offset of the next page. */
function page(messages: unknown[], start: number, limit: number) {
  const more = start + limit < messages.length;
  return { messages: messages.slice(start, start + limit), has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } };
}
