import type { ServerResponse } from 'node:http';
import { ApplicationCommandOptionType as Opt } from 'discord-api-types/v10';
import type { APIApplicationCommandInteractionDataBasicOption as Option, APIMessage } from 'discord-api-types/v10';
import { choiceErrors, invalidFormBody, isEmptyMessage, messageErrors, type FieldError } from './discord-limits.ts';

// The fake Discord's wire helpers: how requests are read and answers written, as Discord does.

/** A message the bot created, as Discord returns it, plus the request body that created it. */
export type PostedMessage = APIMessage & { request: Record<string, unknown> };

/**
 * How the fake answers the next call of a route, instead of normally: an HTTP status (500, or 429 with
 * Retry-After seconds), or `hang` (the call takes effect, e.g. the message is created, but no answer ever comes).
 */
export type Scripted = { status: 500 | 502 | 503 } | { status: 429; retryAfter: number; global?: boolean } | { hang: true };
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
/** A file part of a multipart request; `index` is the n of a part named `files[n]`. */
export type Upload = { key: string; index: number | null; filename: string; contentType: string | null; data: Buffer };
export type Params = { match: RegExpMatchArray; body: Record<string, unknown>; query: URLSearchParams; files: Upload[] };
export type Route = { name: string; method: string; pattern: RegExp; auth: boolean; handle: (p: Params) => Reply };

/** Types options as Discord does: strings 3, integers 4, booleans 5, other numbers 10. */
export function typed(options: Record<string, string | number | boolean>): Option[] {
  return Object.entries(options).map(([name, value]): Option => {
    if (typeof value === 'string') return { name, type: Opt.String, value };
    if (typeof value === 'boolean') return { name, type: Opt.Boolean, value };
    return Number.isInteger(value) ? { name, type: Opt.Integer, value } : { name, type: Opt.Number, value };
  });
}

export function nest(subcommand: string, group: string | undefined, options: Option[]) {
  const sub = { name: subcommand, type: Opt.Subcommand as const, options };
  return group ? [{ name: group, type: Opt.SubcommandGroup as const, options: [sub] }] : [sub];
}

/** The message fields a reply, update or edit body may replace (attachments are fake-discord-files.ts's). */
export function pick(data: Record<string, unknown>): Partial<APIMessage> {
  const keys = ['content', 'embeds', 'components'] as const;
  return Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, data[k]]));
}

/** A message as Discord lists it: without our request record, and without the nonce (only the create answer has it). */
export function wire(message: APIMessage): APIMessage {
  const { request: _request, nonce: _nonce, ...rest } = message as PostedMessage;
  return rest;
}

export const route = (name: string, method: string, pattern: RegExp, auth: boolean, handle: (p: Params) => Reply): Route => ({ name, method, pattern, auth, handle });
export const ok = (body: unknown): Reply => ({ status: 200, body });
export const found = (message: APIMessage | undefined): Reply => (message ? ok(wire(message)) : error(404, 10008, 'Unknown Message'));
export const error = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });

/**
 * Discord's 400 for a request body it would refuse (see discord-limits.ts), or null. An interaction's
 * callback is checked by its type: a reply or update by its message, an autocomplete by its choices.
 * A message whose only content is its files is not empty.
 */
export function formRefusal(route: string, body: Record<string, any>, files: Upload[] = []): Reply | null {
  const creates = route === 'createMessage' || route === 'followup' || (route === 'interactionCallback' && body.type === 4);
  const data = route === 'interactionCallback' ? (body.data ?? {}) : body;
  const at = route === 'interactionCallback' ? ['data'] : [];
  let errors: FieldError[] = [];
  if (route === 'interactionCallback' && body.type === 8) errors = choiceErrors(data.choices ?? [], at);
  else if (creates || route === 'editMessage' || route === 'editOriginal' || (route === 'interactionCallback' && body.type === 7)) errors = messageErrors(data, at);
  if (errors.length) return { status: 400, body: invalidFormBody(errors) };
  if (creates && files.length === 0 && isEmptyMessage(data)) return error(400, 50006, 'Cannot send an empty message');
  return null;
}

export function scriptedError(scripted: Exclude<Scripted, { hang: true }>): Reply {
  if (scripted.status !== 429) return error(scripted.status, 0, `${scripted.status}: Server Error`);
  const global = scripted.global ?? false;
  const headers: Record<string, string> = { 'Retry-After': String(scripted.retryAfter), 'X-RateLimit-Scope': global ? 'global' : 'user', ...(global ? { 'X-RateLimit-Global': 'true' } : {}) };
  return { status: 429, body: { message: 'You are being rate limited.', retry_after: scripted.retryAfter, global }, headers };
}

/**
 * A request's body and files: a JSON body as it is; a multipart one (a message with files) as its
 * payload_json, and each file part with its bytes.
 */
export async function parseRequest(raw: Buffer, contentType: string): Promise<{ body: unknown; files: Upload[] }> {
  if (raw.length === 0) return { body: {}, files: [] };
  if (contentType.startsWith('application/json')) return { body: JSON.parse(raw.toString('utf8')), files: [] };
  if (!contentType.startsWith('multipart/form-data')) return { body: { raw: raw.toString('utf8') }, files: [] };
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const files: Upload[] = [];
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') continue;
    const index = /^files\[(\d+)\]$/.exec(key)?.[1];
    files.push({ key, index: index === undefined ? null : Number(index), filename: value.name, contentType: value.type || null, data: Buffer.from(await value.arrayBuffer()) });
  }
  return { body: JSON.parse(String(form.get('payload_json') ?? '{}')), files };
}

export function send(res: ServerResponse, { status, body, headers = {} }: Reply): void {
  if (body === undefined) return void res.writeHead(status, headers).end();
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
