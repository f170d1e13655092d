import { extname } from 'node:path';

// The fake Slack's files, as Slack's v2 upload takes them (what WebClient.files.uploadV2 does):
// 1. files.getUploadURLExternal { filename, length } answers { upload_url, file_id };
// 2. the bytes are POSTed to upload_url, raw or as multipart/form-data (the Web API client sends a
//    multipart form whose one part, `body`, holds them); Slack answers HTTP 200, anything else is a failure;
// 3. files.completeUploadExternal { files: [{ id, title }], channel_id?, initial_comment?, thread_ts? }
//    finishes the upload and, given a channel, shares the files there as a message.
// Errors are those of the methods' pages (docs.slack.dev/reference/methods/files.getUploadURLExternal and
// files.completeUploadExternal): missing_argument for a length of 0, alt_txt_too_large past 1,000
// characters, file_not_found for an id no upload ticket has. The pages name no error for bytes that
// do not match the length asked for; the fake answers invalid_arguments, pointing at the file.

/** A file that files.getUploadURLExternal reserved, with the bytes that reached its upload_url (null until then). */
export interface SlackFile {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  data: Buffer | null;
  completed: boolean;
}

/** An upload that files.completeUploadExternal finished, one per file: where it went and what it held. */
export interface CompletedUpload {
  id: string;
  filename: string;
  title: string;
  data: Buffer;
  channel?: string;
  initial_comment?: string;
  thread_ts?: string;
  /** The ts of the message that shared it, when it was shared into a channel. */
  ts?: string;
}

export type SlackAnswer = { ok: boolean; [field: string]: unknown };

const ALT_TEXT_MAX = 1000;
const MIME_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', txt: 'text/plain', csv: 'text/csv', json: 'application/json', pdf: 'application/pdf' };

export class SlackFiles {
  readonly completed: CompletedUpload[] = [];
  private readonly files = new Map<string, SlackFile>();
  private counter = 0;

  /** `baseUrl` is the fake's own address, where upload URLs and files' private URLs point. */
  constructor(private readonly baseUrl: () => string, private readonly team: string) {}

  get(id: string): SlackFile | undefined {
    return this.files.get(id);
  }

  /** files.getUploadURLExternal: reserves a file id and the URL its bytes go to. */
  reserve(body: Record<string, unknown>): SlackAnswer {
    const filename = typeof body.filename === 'string' ? body.filename : '';
    const length = Number(body.length ?? 0);
    const altText = (body.alt_txt ?? body.alt_text) as string | undefined;
    if (!filename) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: filename'] } };
    if (!Number.isInteger(length) || length <= 0) return { ok: false, error: 'missing_argument' };
    if (altText !== undefined && altText.length > ALT_TEXT_MAX) return { ok: false, error: 'alt_txt_too_large' };
    // Slack's file ids match ^F[A-Z0-9]{8,}$, which an image block's slack_file.id is checked against.
    const id = `F0UPLOAD${String(++this.counter).padStart(4, '0')}`;
    this.files.set(id, { id, filename, length, ...(altText !== undefined ? { altText } : {}), data: null, completed: false });
    return { ok: true, upload_url: `${this.baseUrl()}/upload/v1/${id}`, file_id: id };
  }

  /** The bytes POSTed to an upload URL; false when no ticket has that id (Slack answers non-200). */
  receive(id: string, data: Buffer): boolean {
    const file = this.files.get(id);
    if (!file || file.completed) return false;
    file.data = data;
    return true;
  }

  /** Checks a files.completeUploadExternal body: the files it finishes, each with its title, or Slack's refusal. */
  check(body: Record<string, unknown>): { files: { file: SlackFile; title: string }[] } | SlackAnswer {
    const entries = body.files;
    if (!Array.isArray(entries) || entries.length === 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: files'] } };
    const files: { file: SlackFile; title: string }[] = [];
    for (const [i, entry] of (entries as { id?: unknown; title?: unknown }[]).entries()) {
      const file = this.files.get(String(entry?.id ?? ''));
      // Completing can be done once; after that the ticket is spent.
      if (!file || file.completed || !file.data) return { ok: false, error: 'file_not_found' };
      if (file.data.length !== file.length) {
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${file.data.length} bytes uploaded for a length of ${file.length} [json-pointer:/files/${i}/id]`] } };
      }
      files.push({ file, title: typeof entry.title === 'string' && entry.title ? entry.title : file.filename });
    }
    return { files };
  }

  /** Marks checked files completed and records each upload; `ts` is the message that shared them, if any. */
  complete(files: { file: SlackFile; title: string }[], body: Record<string, unknown>, ts: string | undefined): Record<string, unknown>[] {
    const where = {
      ...(body.channel_id ? { channel: String(body.channel_id) } : {}),
      ...(body.initial_comment !== undefined ? { initial_comment: String(body.initial_comment) } : {}),
      ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}),
    };
    return files.map(({ file, title }) => {
      file.completed = true;
      this.completed.push({ id: file.id, filename: file.filename, title, data: file.data!, ...where, ...(ts ? { ts } : {}) });
      return this.fileObject(file, title, where.channel);
    });
  }

  /** A file object as Slack lists it in a message's `files` and in completeUploadExternal's answer. */
  fileObject(file: SlackFile, title: string, channel?: string): Record<string, unknown> {
    const ext = extname(file.filename).slice(1).toLowerCase();
    const created = Math.floor(Date.now() / 1000);
    const url = `${this.baseUrl()}/files-pri/${this.team}-${file.id}/${encodeURIComponent(file.filename)}`;
    return {
      id: file.id, created, timestamp: created, name: file.filename, title, mimetype: MIME_TYPES[ext] ?? 'application/octet-stream', filetype: ext || 'binary',
      user: 'U0BOT', size: file.data?.length ?? file.length, mode: 'hosted', is_external: false, is_public: channel?.startsWith('C') ?? false,
      ...(file.altText !== undefined ? { alt_txt: file.altText } : {}),
      url_private: url, url_private_download: `${url}?download=1`, permalink: `https://test.slack.com/files/U0BOT/${file.id}/${encodeURIComponent(file.filename)}`,
    };
  }

  /** The bytes at a completed file's url_private path, or null. */
  served(path: string): Buffer | null {
    const id = /^\/files-pri\/[^/-]+-(F[A-Z0-9]+)\//.exec(path)?.[1];
    const file = id ? this.files.get(id) : undefined;
    return file?.completed ? file.data : null;
  }
}

/** The bytes of an upload POST: the first file part of a multipart form, or the raw body. */
export async function uploadedBytes(raw: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return raw;
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const part = [...form.values()].find((v): v is File => typeof v !== 'string');
  return part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
}
