import type { Notice } from '../../delivery/port.ts';
import { fitDiscord } from './markdown.ts';

/** Discord's 2,000 characters of content. */
const CONTENT_MAX = 2000;

/**
 * A notice as a message's content, escaped as feed text is (it names feeds as their owners wrote
 * them); it goes out with `allowed_mentions: { parse: [] }` like every message.
 */
export function noticeBody(notice: Notice): { content: string } {
  return { content: fitDiscord(notice.text, CONTENT_MAX) };
}
