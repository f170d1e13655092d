import { embedLength } from 'discord.js';

// What Discord refuses in a message (create, edit, an interaction's reply, update or webhook edit), so
// that the fake refuses it too. Lengths are counted in UTF-16 code units, as discord.js's own validators
// count them: never fewer than the characters Discord counts. Sources:
// - discord-api-types 0.38 (payloads/v10/message.d.ts): embed title 256, description 4,096, 25 fields,
//   field name 256 and value 1,024, footer text 2,048, author name 256, and 6,000 for an embed's text.
// - @discordjs/builders 1.15 (embedLength, and its validators): what an embed's 6,000 counts; button label
//   80 and custom_id 100; title, author name, footer text, field name and value required when present.
// - Discord's message resource: content 2,000; at most 10 embeds, whose text together counts to 6,000;
//   nonce 25; allowed_mentions (parse of roles, users, everyone; at most 100 users and 100 roles, not
//   together with parsing them). Embed, author and footer URLs 2,048 (Discord answers "Must be 2048 or
//   fewer in length." for a longer embed url). Components: 5 action rows of 5 buttons; a link button's
//   url 512. Autocomplete: 25 choices, names 1–100, values up to 100.

export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  embedUrl: 2048,
  nonce: 25,
  mentionIds: 100,
  actionRows: 5,
  rowButtons: 5,
  buttonLabel: 80,
  customId: 100,
  linkButtonUrl: 512,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

const L = DISCORD_LIMITS;
type Json = Record<string, any>;
type Path = (string | number)[];

/** One reason, where it applies, in Discord's words. */
export interface FieldError {
  path: Path;
  code: string;
  message: string;
}

/** Discord's 400 for a body it will not take: code 50035 and each reason nested under its field. */
export interface InvalidFormBody {
  code: 50035;
  message: 'Invalid Form Body';
  errors: Json;
}

/** Why Discord would refuse this message body; empty when it would take it. `at` prefixes every path. */
export function messageErrors(body: Json, at: Path = []): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: Path, code: string, message: string) => errors.push({ path: [...at, ...path], code, message });
  const max = (path: Path, value: unknown, limit: number, required = false) => {
    if (value === undefined || value === null) return void (required && add(path, 'BASE_TYPE_REQUIRED', 'This field is required'));
    if (typeof value !== 'string') return add(path, 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
    if (required && value.length === 0) return add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    if (value.length > limit) add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
  };
  const url = (path: Path, value: unknown, limit: number) => {
    if (value === undefined || value === null) return;
    max(path, value, limit);
    if (typeof value === 'string' && value.length <= limit && !/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(value)) add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  };

  max(['content'], body.content, L.content);
  max(['nonce'], body.nonce === undefined ? undefined : String(body.nonce), L.nonce);
  if (body.embeds !== undefined && body.embeds !== null) {
    const embeds = body.embeds as Json[];
    if (embeds.length > L.embeds) add(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.embeds} or fewer in length.`);
    embeds.forEach((embed, i) => {
      max(['embeds', i, 'title'], embed.title, L.embedTitle);
      max(['embeds', i, 'description'], embed.description, L.embedDescription);
      url(['embeds', i, 'url'], embed.url, L.embedUrl);
      if (embed.author) max(['embeds', i, 'author', 'name'], embed.author.name, L.authorName, true);
      if (embed.author) url(['embeds', i, 'author', 'url'], embed.author.url, L.embedUrl);
      if (embed.footer) max(['embeds', i, 'footer', 'text'], embed.footer.text, L.footerText, true);
      if (embed.footer) url(['embeds', i, 'footer', 'icon_url'], embed.footer.icon_url, L.embedUrl);
      const fields = (embed.fields ?? []) as Json[];
      if (fields.length > L.embedFields) add(['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.embedFields} or fewer in length.`);
      fields.forEach((field, f) => {
        max(['embeds', i, 'fields', f, 'name'], field.name, L.fieldName, true);
        max(['embeds', i, 'fields', f, 'value'], field.value, L.fieldValue, true);
      });
    });
    const total = embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
    if (total > L.embedTotal) add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${L.embedTotal}`);
  }
  if (body.components !== undefined && body.components !== null) {
    const rows = body.components as Json[];
    if (rows.length > L.actionRows) add(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.actionRows} or fewer in length.`);
    rows.forEach((row, r) => {
      const buttons = (row.components ?? []) as Json[];
      if (row.type !== 1) return add(['components', r, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1}.');
      if (buttons.length < 1 || buttons.length > L.rowButtons) add(['components', r, 'components'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${L.rowButtons} in length.`);
      buttons.forEach((button, b) => {
        const path = ['components', r, 'components', b];
        max([...path, 'label'], button.label, L.buttonLabel);
        if (button.style === 5) url([...path, 'url'], button.url ?? '', L.linkButtonUrl);
        else max([...path, 'custom_id'], button.custom_id, L.customId, true);
      });
    });
  }
  const mentions = body.allowed_mentions as Json | undefined;
  if (mentions !== undefined && mentions !== null) {
    for (const [p, value] of ((mentions.parse ?? []) as unknown[]).entries()) {
      if (!['roles', 'users', 'everyone'].includes(value as string)) add(['allowed_mentions', 'parse', p], 'BASE_TYPE_CHOICES', "Value must be one of {'roles', 'users', 'everyone'}.");
    }
    for (const kind of ['users', 'roles'] as const) {
      const ids = mentions[kind] as unknown[] | undefined;
      if (ids && ids.length > L.mentionIds) add(['allowed_mentions', kind], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.mentionIds} or fewer in length.`);
      if (ids && (mentions.parse ?? []).includes(kind)) {
        add(['allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`);
      }
    }
  }
  return errors;
}

/** Why Discord would refuse an autocomplete answer's choices; empty when it would take them. */
export function choiceErrors(choices: Json[], at: Path = []): FieldError[] {
  const errors: FieldError[] = [];
  if (choices.length > L.choices) errors.push({ path: [...at, 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${L.choices} or fewer in length.` });
  choices.forEach((choice, i) => {
    const name = String(choice.name ?? '');
    if (name.length < 1 || name.length > L.choiceName) errors.push({ path: [...at, 'choices', i, 'name'], code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${L.choiceName} in length.` });
    if (String(choice.value ?? '').length > L.choiceValue) errors.push({ path: [...at, 'choices', i, 'value'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${L.choiceValue} or fewer in length.` });
  });
  return errors;
}

/** A message with nothing to show: Discord's 50006. */
export function isEmptyMessage(body: Json): boolean {
  const has = (value: unknown) => (Array.isArray(value) ? value.length > 0 : Boolean(value));
  return !has(body.content) && !has(body.embeds) && !has(body.components) && !has(body.attachments) && !has(body.sticker_ids) && !has(body.files) && !has(body.poll);
}

/** The errors nested as Discord nests them: `{ embeds: { 0: { url: { _errors: [{ code, message }] } } } }`. */
export function invalidFormBody(errors: FieldError[]): InvalidFormBody {
  const nested: Json = {};
  for (const { path, code, message } of errors) {
    let node = nested;
    for (const key of path) node = node[key] ??= {};
    (node._errors ??= []).push({ code, message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors: nested };
}
