import type { Notice } from '../../delivery/port.ts';
import type { SlackMessage } from './render-alert.ts';
import { fitMrkdwn } from './mrkdwn.ts';

/** Within a section's 3,000 characters, and the 4,000 of notification text. */
const NOTICE_MAX = 2900;

/**
 * A notice as one section. Its text names feeds and URLs as their owners wrote them, so it is escaped
 * as feed text is: nothing in a feed's name can mention anyone or make a link.
 */
export function noticeMessage(notice: Notice): SlackMessage {
  const text = fitMrkdwn(notice.text, NOTICE_MAX);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
