import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS as L, slackRefusal } from './slack-limits.ts';

const x = (n: number) => 'x'.repeat(n);
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (fields: Record<string, unknown> = {}) => ({ type: 'button', text: plain('More'), action_id: 'more', value: 'v', ...fields });
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const message = (...blocks: unknown[]) => ({ text: 'fallback', blocks });

/** The limit itself is taken, one more is refused with `error` (and a pointer to `where`, for invalid_blocks). */
function holds(at: (n: number) => { text?: unknown; blocks?: unknown }, limit: number, error: string, where?: string) {
  expect(slackRefusal(at(limit))).toBeNull();
  const refusal = slackRefusal(at(limit + 1));
  expect(refusal).toMatchObject({ ok: false, error });
  if (where) expect(refusal!.errors!.join('\n')).toContain(`[json-pointer:${where}]`);
}

describe('Slack limits', () => {
  it('at most 50 blocks a message', () => {
    holds((n) => message(...Array.from({ length: n }, () => ({ type: 'divider' }))), L.blocks, 'invalid_blocks', '/blocks');
  });

  it('section text of 1 to 3,000 characters, links and all', () => {
    holds((n) => message(section(x(n))), L.sectionText, 'invalid_blocks', '/blocks/0/text/text');
    const link = '<https://example.com/|title>';
    holds((n) => message(section(`${x(n - link.length)}${link}`)), L.sectionText, 'invalid_blocks', '/blocks/0/text/text');
    expect(slackRefusal(message(section('')))).toMatchObject({ error: 'invalid_blocks', errors: ['must be more than 0 characters [json-pointer:/blocks/0/text/text]'] });
    expect(slackRefusal(message({ type: 'section' }))).toMatchObject({ error: 'invalid_blocks' });
  });

  it('at most 10 fields of 2,000 characters each', () => {
    holds((n) => message({ type: 'section', fields: Array.from({ length: n }, () => mrkdwn('f')) }), L.sectionFields, 'invalid_blocks', '/blocks/0/fields');
    holds((n) => message({ type: 'section', fields: [mrkdwn(x(n))] }), L.fieldText, 'invalid_blocks', '/blocks/0/fields/0/text');
  });

  it('header text of 150, plain text only', () => {
    holds((n) => message({ type: 'header', text: plain(x(n)) }), L.headerText, 'invalid_blocks', '/blocks/0/text/text');
    expect(slackRefusal(message({ type: 'header', text: mrkdwn('*bold*') }))).toMatchObject({ error: 'invalid_blocks' });
  });

  it('at most 10 context elements of 3,000 characters', () => {
    holds((n) => message({ type: 'context', elements: Array.from({ length: n }, () => mrkdwn('c')) }), L.contextElements, 'invalid_blocks', '/blocks/0/elements');
    holds((n) => message({ type: 'context', elements: [mrkdwn(x(n))] }), L.textObject, 'invalid_blocks', '/blocks/0/elements/0/text');
  });

  it('buttons: text 75, value 2,000, url 3,000, action_id 255; at most 25 in an actions block', () => {
    holds((n) => message(actions(button({ text: plain(x(n)) }))), L.buttonText, 'invalid_blocks', '/blocks/0/elements/0/text/text');
    holds((n) => message(actions(button({ value: x(n) }))), L.buttonValue, 'invalid_blocks', '/blocks/0/elements/0/value');
    holds((n) => message(actions(button({ url: `https://e.com/${x(n - 14)}` }))), L.buttonUrl, 'invalid_blocks', '/blocks/0/elements/0/url');
    holds((n) => message(actions(button({ action_id: x(n) }))), L.actionId, 'invalid_blocks', '/blocks/0/elements/0/action_id');
    holds((n) => message(actions(...Array.from({ length: n }, (_, i) => button({ action_id: `b${i}` })))), L.actionsElements, 'invalid_blocks', '/blocks/0/elements');
  });

  it('block_id of 255', () => {
    holds((n) => message({ type: 'divider', block_id: x(n) }), L.blockId, 'invalid_blocks', '/blocks/0/block_id');
  });

  it('unknown block types are refused', () => {
    expect(slackRefusal(message({ type: 'hologram' }))).toMatchObject({ error: 'invalid_blocks' });
  });

  it('the text beside the blocks of 4,000 characters, and some text or blocks', () => {
    holds((n) => ({ text: x(n), blocks: [section('b')] }), L.messageText, 'msg_too_long');
    holds((n) => ({ text: x(n) }), L.messageText, 'msg_too_long');
    expect(slackRefusal({ text: '' })).toMatchObject({ error: 'no_text' });
    expect(slackRefusal({ blocks: [section('only blocks')] })).toBeNull();
  });

  it('at most 12,000 characters of text in all the blocks together', () => {
    holds((n) => message(...Array.from({ length: 6 }, (_, i) => section(x(i === 0 ? n - 5 * 2000 : 2000)))), L.blocksText, 'msg_blocks_too_long');
  });

  it('counts UTF-16 units, so that a character Slack counts once is never undercounted', () => {
    expect(slackRefusal(message(section('😀'.repeat(1500))))).toBeNull();
    expect(slackRefusal(message(section(`${'😀'.repeat(1500)}x`)))).toMatchObject({ error: 'invalid_blocks' });
  });

  it('answers as Slack does, with the reasons and their JSON pointers', () => {
    expect(slackRefusal(message(section(x(3001))))).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] },
    });
  });
});
