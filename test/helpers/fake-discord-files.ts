import { extname } from 'node:path';
import { MessageFlags, type APIAttachment, type APIMessage } from 'discord-api-types/v10';
import { error, type Reply, type Upload } from './fake-discord-wire.ts';

// The fake Discord's attachments. A message with files is sent as multipart/form-data: the JSON body in a
// `payload_json` part (for an interaction callback, `{ type, data }`), each file in a part `files[n]`, and
// the body's `attachments` [{ id: n, filename?, description? }] naming them (discord.js's MessagePayload
// sends `{ id: n }`; its REST keys the n-th file `files[n]`). On an edit, `attachments` lists every
// attachment the message keeps (existing ones by id) besides the new files. Limits, from Discord's
// reference ("Uploading Files") and its JSON error codes: 10 attachments a message (30015); 10 MiB a file
// unless the server is boosted (the `attachment_size_limit` interactions carry) and 25 MiB a request,
// past which Discord answers 413 with 40005 "Request entity too large".

export const UPLOAD_LIMITS = { attachments: 10, fileSize: 10 * 1024 * 1024, request: 25 * 1024 * 1024 } as const;

/** A file the fake received and attached to a message, with its bytes exactly as they arrived. */
export interface StoredAttachment {
  /** The attachment's id, as in the message's `attachments`. */
  id: string;
  messageId: string;
  channelId: string;
  /** The route that carried it: createMessage, interactionCallback, followup, editOriginal or editMessage. */
  route: string;
  filename: string;
  contentType: string | null;
  description?: string;
  data: Buffer;
}

type Requested = { id?: unknown; filename?: unknown; description?: unknown; title?: unknown };
const MIME_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', txt: 'text/plain; charset=utf-8', json: 'application/json' };

export class DiscordAttachments {
  readonly stored: StoredAttachment[] = [];

  /** `fileSizeLimit` is the largest file a message may carry, in bytes. */
  constructor(private readonly baseUrl: () => string, private readonly snowflake: () => string, readonly fileSizeLimit: number = UPLOAD_LIMITS.fileSize) {}

  /** Discord's refusal of a request's files (too many, too large), or null. `size` is the whole request's. */
  refusal(size: number, files: Upload[], requested: unknown): Reply | null {
    if (size > UPLOAD_LIMITS.request || files.some((f) => f.data.length > this.fileSizeLimit)) return error(413, 40005, 'Request entity too large');
    const listed = Array.isArray(requested) ? requested.length : 0;
    if (Math.max(files.length, listed) > UPLOAD_LIMITS.attachments) return error(400, 30015, `Maximum number of attachments in a message reached (${UPLOAD_LIMITS.attachments})`);
    return null;
  }

  /**
   * Sets a created or edited message's attachments: the existing ones it keeps (all of them unless the body
   * lists which), then each new file, named as the body's entry for it says or else as its part is named.
   */
  attach(message: APIMessage, route: string, files: Upload[], requested: unknown): void {
    if (files.length === 0 && requested === undefined) return;
    const entries = (Array.isArray(requested) ? requested : []) as Requested[];
    const kept = requested === undefined ? message.attachments : message.attachments.filter((a) => entries.some((e) => String(e.id) === a.id));
    const added = files.map((file): APIAttachment => {
      const entry = entries.find((e) => file.index !== null && String(e.id) === String(file.index));
      const filename = typeof entry?.filename === 'string' && entry.filename ? entry.filename : file.filename;
      const contentType = file.contentType && file.contentType !== 'application/octet-stream' ? file.contentType : (MIME_TYPES[extname(filename).slice(1).toLowerCase()] ?? file.contentType);
      const description = typeof entry?.description === 'string' ? entry.description : undefined;
      const id = this.snowflake();
      const url = `${this.baseUrl()}/attachments/${message.channel_id}/${id}/${encodeURIComponent(filename)}`;
      this.stored.push({ id, messageId: message.id, channelId: message.channel_id, route, filename, contentType, ...(description !== undefined ? { description } : {}), data: file.data });
      return {
        id, filename, size: file.data.length, url, proxy_url: url, ...(contentType ? { content_type: contentType } : {}), ...(description !== undefined ? { description } : {}),
        ...(typeof entry?.title === 'string' ? { title: entry.title } : {}), ...((message.flags ?? 0) & MessageFlags.Ephemeral ? { ephemeral: true } : {}),
      };
    });
    message.attachments = [...kept, ...added];
  }

  /** The files a message (posted, ephemeral or @original) was sent or edited with, in order, with their bytes. */
  of(messageId: string): StoredAttachment[] {
    return this.stored.filter((a) => a.messageId === messageId);
  }

  /** The file at an attachment's url path, or null. */
  served(path: string): StoredAttachment | null {
    const id = /^\/attachments\/\d+\/(\d+)\//.exec(path)?.[1];
    return this.stored.find((a) => a.id === id) ?? null;
  }
}
