import { describe, expect, it } from 'vitest';
import { choiceErrors, DISCORD_LIMITS as L, invalidFormBody, isEmptyMessage, messageErrors } from './discord-limits.ts';

const x = (n: number) => 'x'.repeat(n);
const url = (n: number) => `https://e.com/${x(n - 14)}`;
const embed = (fields: Record<string, unknown>) => ({ embeds: [{ title: 't', ...fields }] });
const row = (...buttons: unknown[]) => ({ type: 1, components: buttons });
const button = (fields: Record<string, unknown> = {}) => ({ type: 2, style: 2, label: 'More', custom_id: 'more', ...fields });

/** The limit itself is taken, one more is refused with `code` at `path`. */
function holds(at: (n: number) => Record<string, unknown>, limit: number, path: (string | number)[], code = 'BASE_TYPE_MAX_LENGTH') {
  expect(messageErrors(at(limit))).toEqual([]);
  expect(messageErrors(at(limit + 1))).toContainEqual(expect.objectContaining({ path, code }));
}

describe('Discord limits', () => {
  it('content of 2,000', () => holds((n) => ({ content: x(n) }), L.content, ['content']));

  it('at most 10 embeds', () => holds((n) => ({ embeds: Array.from({ length: n }, () => ({ title: 't' })) }), L.embeds, ['embeds']));

  it('embed title 256, description 4,096, author name 256, footer text 2,048', () => {
    holds((n) => embed({ title: x(n) }), L.embedTitle, ['embeds', 0, 'title']);
    holds((n) => embed({ description: x(n) }), L.embedDescription, ['embeds', 0, 'description']);
    holds((n) => embed({ author: { name: x(n) } }), L.authorName, ['embeds', 0, 'author', 'name']);
    holds((n) => embed({ footer: { text: x(n) } }), L.footerText, ['embeds', 0, 'footer', 'text']);
  });

  it('at most 25 fields, named in 256 and valued in 1,024, neither empty', () => {
    holds((n) => embed({ fields: Array.from({ length: n }, () => ({ name: 'n', value: 'v' })) }), L.embedFields, ['embeds', 0, 'fields']);
    holds((n) => embed({ fields: [{ name: x(n), value: 'v' }] }), L.fieldName, ['embeds', 0, 'fields', 0, 'name']);
    holds((n) => embed({ fields: [{ name: 'n', value: x(n) }] }), L.fieldValue, ['embeds', 0, 'fields', 0, 'value']);
    expect(messageErrors(embed({ fields: [{ name: 'n', value: '' }] }))).toEqual([expect.objectContaining({ path: ['embeds', 0, 'fields', 0, 'value'], code: 'BASE_TYPE_REQUIRED' })]);
  });

  it('6,000 characters of embed text in a message, all its embeds together', () => {
    const many = (n: number) => ({ embeds: [{ description: x(4000) }, { description: x(n - 4000) }] });
    holds(many, L.embedTotal, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED');
  });

  it('embed, author and footer icon URLs of 2,048, and well formed', () => {
    holds((n) => embed({ url: url(n) }), L.embedUrl, ['embeds', 0, 'url']);
    holds((n) => embed({ author: { name: 'a', url: url(n) } }), L.embedUrl, ['embeds', 0, 'author', 'url']);
    holds((n) => embed({ footer: { text: 'f', icon_url: url(n) } }), L.embedUrl, ['embeds', 0, 'footer', 'icon_url']);
    expect(messageErrors(embed({ url: 'javascript:alert(1)' }))).toEqual([expect.objectContaining({ code: 'URL_TYPE_INVALID_URL' })]);
  });

  it('5 action rows of 1 to 5 buttons; labels 80, custom ids 100, link urls 512', () => {
    holds((n) => ({ components: Array.from({ length: n }, () => row(button())) }), L.actionRows, ['components']);
    holds((n) => ({ components: [row(...Array.from({ length: n }, () => button()))] }), L.rowButtons, ['components', 0, 'components'], 'BASE_TYPE_BAD_LENGTH');
    holds((n) => ({ components: [row(button({ label: x(n) }))] }), L.buttonLabel, ['components', 0, 'components', 0, 'label']);
    holds((n) => ({ components: [row(button({ custom_id: x(n) }))] }), L.customId, ['components', 0, 'components', 0, 'custom_id']);
    holds((n) => ({ components: [row(button({ style: 5, custom_id: undefined, url: url(n) }))] }), L.linkButtonUrl, ['components', 0, 'components', 0, 'url']);
    expect(messageErrors({ components: [row()] })).toEqual([expect.objectContaining({ code: 'BASE_TYPE_BAD_LENGTH' })]);
  });

  it('a nonce of 25', () => holds((n) => ({ content: 'c', nonce: x(n) }), L.nonce, ['nonce']));

  it('allowed_mentions: known kinds, 100 ids, and never both a kind and its ids', () => {
    expect(messageErrors({ content: 'c', allowed_mentions: { parse: [] } })).toEqual([]);
    expect(messageErrors({ content: 'c', allowed_mentions: { parse: ['channels'] } })).toEqual([expect.objectContaining({ path: ['allowed_mentions', 'parse', 0], code: 'BASE_TYPE_CHOICES' })]);
    holds((n) => ({ content: 'c', allowed_mentions: { users: Array.from({ length: n }, (_, i) => String(i)) } }), L.mentionIds, ['allowed_mentions', 'users']);
    expect(messageErrors({ content: 'c', allowed_mentions: { parse: ['users'], users: ['1'] } })).toEqual([expect.objectContaining({ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE' })]);
  });

  it('autocomplete: 25 choices, names of 1 to 100, values of 100', () => {
    const choices = (n: number, name = 'c', value = 'v') => Array.from({ length: n }, () => ({ name, value }));
    expect(choiceErrors(choices(L.choices))).toEqual([]);
    expect(choiceErrors(choices(L.choices + 1))).toEqual([expect.objectContaining({ path: ['choices'] })]);
    expect(choiceErrors(choices(1, x(L.choiceName)))).toEqual([]);
    expect(choiceErrors(choices(1, x(L.choiceName + 1)))).toEqual([expect.objectContaining({ path: ['choices', 0, 'name'] })]);
    expect(choiceErrors(choices(1, 'c', x(L.choiceValue + 1)))).toEqual([expect.objectContaining({ path: ['choices', 0, 'value'] })]);
  });

  it('counts UTF-16 units, as discord.js does, so a character is never undercounted', () => {
    expect(messageErrors({ content: '😀'.repeat(1000) })).toEqual([]);
    expect(messageErrors({ content: `${'😀'.repeat(1000)}x` })).toHaveLength(1);
  });

  it('tells an empty message (50006) from one with anything to show', () => {
    expect(isEmptyMessage({ content: '', embeds: [], components: [] })).toBe(true);
    expect(isEmptyMessage({ embeds: [{ title: 't' }] })).toBe(false);
  });

  it('nests the reasons as Discord does', () => {
    expect(invalidFormBody(messageErrors(embed({ url: url(2049) }), ['data']))).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { data: { embeds: { 0: { url: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2048 or fewer in length.' }] } } } } },
    });
  });
});
