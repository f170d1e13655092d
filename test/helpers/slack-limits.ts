// What Slack refuses in a message (chat.postMessage, chat.update, a response_url body), so that the fake
// refuses it too. Lengths are counted in UTF-16 code units: never fewer than the characters Slack counts,
// so a message the fake accepts is one Slack accepts. Sources:
// - Slack's Block Kit reference: up to 50 blocks in each message.
// - The block and element definitions of @slack/types 3.2 (block-kit/blocks.d.ts, block-elements.d.ts,
//   extensions.d.ts, composition-objects.d.ts): block_id 255; section text 1–3,000, fields 10 of 2,000;
//   header text 150; context elements 10; actions elements 25; button text 75, value 2,000, url 3,000,
//   action_id 255; a text object's text 1–3,000.
// - chat.postMessage: `text` beside blocks should stay within 4,000 characters, and Slack truncates past
//   40,000; chat.update refuses more than 4,000 with msg_too_long. The fake holds every method to 4,000.
// - The text of all blocks together: Slack answers msg_blocks_too_long past about 12,000 characters of text
//   (an undocumented limit, as Slack's SDK maintainers describe it: slackapi/bolt-js#2509, #2867).
// - Slack's answer to invalid blocks: `{ ok: false, error: 'invalid_blocks', errors: ['must be less than
//   3001 characters [json-pointer:/blocks/0/text/text]'], response_metadata: { messages: ['[ERROR] …'] } }`.

export const SLACK_LIMITS = {
  blocks: 50,
  blockId: 255,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  textObject: 3000,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  messageText: 4000,
  blocksText: 12_000,
} as const;

/** Slack's answer to a message it will not take: `{ ok: false, error, errors, response_metadata }`. */
export interface SlackRefusal {
  ok: false;
  error: 'invalid_blocks' | 'msg_too_long' | 'msg_blocks_too_long' | 'no_text';
  errors?: string[];
  response_metadata?: { messages: string[] };
}

type Json = Record<string, unknown>;

/** Why Slack would refuse this message body, in Slack's own words; null when it would take it. */
export function slackRefusal(body: { text?: unknown; blocks?: unknown }): SlackRefusal | null {
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = body.blocks;
  if (!text && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0))) return { ok: false, error: 'no_text' };
  if (text.length > SLACK_LIMITS.messageText) return { ok: false, error: 'msg_too_long' };
  if (blocks === undefined) return null;
  const errors = blockErrors(blocks);
  if (errors.length) return { ok: false, error: 'invalid_blocks', errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
  if (blockText(blocks) > SLACK_LIMITS.blocksText) return { ok: false, error: 'msg_blocks_too_long' };
  return null;
}

/** Each problem as Slack words it: what is wrong, and a JSON pointer to where. */
function blockErrors(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['must provide an array [json-pointer:/blocks]'];
  const errors: string[] = [];
  if (blocks.length > SLACK_LIMITS.blocks) errors.push(`no more than ${SLACK_LIMITS.blocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((block, i) => errors.push(...checkBlock(block as Json, `/blocks/${i}`)));
  return errors;
}

function checkBlock(block: Json, at: string): string[] {
  const errors = maxLength(block.block_id, SLACK_LIMITS.blockId, `${at}/block_id`, true);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) errors.push(`must define either \`text\` or \`fields\` [json-pointer:${at}]`);
      if (block.text !== undefined) errors.push(...textObject(block.text, SLACK_LIMITS.sectionText, `${at}/text`));
      if (block.fields !== undefined) errors.push(...list(block.fields, SLACK_LIMITS.sectionFields, `${at}/fields`, (field, where) => textObject(field, SLACK_LIMITS.fieldText, where)));
      if (block.accessory !== undefined) errors.push(...element(block.accessory as Json, `${at}/accessory`));
      return errors;
    }
    case 'header':
      return [...errors, ...textObject(block.text, SLACK_LIMITS.headerText, `${at}/text`, 'plain_text')];
    case 'context':
      return [...errors, ...list(block.elements, SLACK_LIMITS.contextElements, `${at}/elements`, (e, where) => ((e as Json).type === 'image' ? [] : textObject(e, SLACK_LIMITS.textObject, where)))];
    case 'actions':
      return [...errors, ...list(block.elements, SLACK_LIMITS.actionsElements, `${at}/elements`, (e, where) => element(e as Json, where))];
    case 'divider':
      return errors;
    case 'image': {
      // An image is a URL or an uploaded file (slack_file: its id or its URL), never both; alt text is required.
      if (typeof block.alt_text !== 'string' || block.alt_text.length === 0) errors.push(`must provide alt_text [json-pointer:${at}/alt_text]`);
      else errors.push(...maxLength(block.alt_text, 2000, `${at}/alt_text`, false));
      const file = block.slack_file as Json | undefined;
      if ((block.image_url === undefined) === (file === undefined)) errors.push(`must provide either image_url or slack_file [json-pointer:${at}]`);
      if (file !== undefined && (typeof file !== 'object' || (file.id === undefined) === (file.url === undefined))) errors.push(`invalid slack file [json-pointer:${at}/slack_file]`);
      return errors;
    }
    default:
      return [...errors, `unsupported type: ${String(block.type)} [json-pointer:${at}/type]`];
  }
}

/** The interactive elements ainews sends: buttons. */
function element(el: Json, at: string): string[] {
  if (el.type !== 'button') return [`unsupported type: ${String(el.type)} [json-pointer:${at}/type]`];
  return [
    ...textObject(el.text, SLACK_LIMITS.buttonText, `${at}/text`, 'plain_text'),
    ...maxLength(el.action_id, SLACK_LIMITS.actionId, `${at}/action_id`, true),
    ...maxLength(el.value, SLACK_LIMITS.buttonValue, `${at}/value`, true),
    ...maxLength(el.url, SLACK_LIMITS.buttonUrl, `${at}/url`, true),
  ];
}

function textObject(value: unknown, max: number, at: string, only?: 'plain_text'): string[] {
  const object = value as Json | undefined;
  if (!object || typeof object !== 'object') return [`must be an object [json-pointer:${at}]`];
  const types = only ? [only] : ['plain_text', 'mrkdwn'];
  if (!types.includes(object.type as string)) return [`must be one of ${types.join(', ')} [json-pointer:${at}/type]`];
  return maxLength(object.text, max, `${at}/text`, false);
}

function list(value: unknown, max: number, at: string, check: (item: unknown, at: string) => string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) return [`must provide a non-empty array [json-pointer:${at}]`];
  const errors = value.length > max ? [`no more than ${max} items allowed [json-pointer:${at}]`] : [];
  value.forEach((item, i) => errors.push(...check(item, `${at}/${i}`)));
  return errors;
}

/** A string of 1 to `max` characters (or absent, when `optional`). */
function maxLength(value: unknown, max: number, at: string, optional: boolean): string[] {
  if (value === undefined && optional) return [];
  if (typeof value !== 'string') return [`must be a string [json-pointer:${at}]`];
  if (value.length === 0) return [`must be more than 0 characters [json-pointer:${at}]`];
  if (value.length > max) return [`must be less than ${max + 1} characters [json-pointer:${at}]`];
  return [];
}

/** The characters of text in all the blocks, which Slack counts together. */
function blockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + blockText(item), 0);
  if (!value || typeof value !== 'object') return 0;
  return Object.entries(value as Json).reduce((sum, [key, v]) => sum + (key === 'text' && typeof v === 'string' ? v.length : blockText(v)), 0);
}
