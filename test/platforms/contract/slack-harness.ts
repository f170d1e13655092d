import { createLogger } from '../../../src/log.ts';
import { createSlack } from '../../../src/platforms/slack/slack-app.ts';
import type { TestApp } from '../../helpers/app.ts';
import { FakeSlack, type PostedMessage } from '../../helpers/fake-slack.ts';
import { answerOrRefusal, BaseHarness, type Asker, type PlatformHarness, type Posted, type PostFailure, type Reply } from './harness.ts';

const USERS = { alice: 'U0ALICE', bob: 'U0BOB', admin: 'U0ADMIN' };
const CHANNEL_ID = 'C0NEWS';
const MORE_ACTION = 'ainews_more';

/** Slack, over Socket Mode, against the fake Slack. */
export class SlackHarness extends BaseHarness implements PlatformHarness {
  readonly name = 'slack';
  readonly channel = `slack:T0TEST/${CHANNEL_ID}`;
  readonly goneReason = /^not_in_channel: the bot is not in this channel; invite it/;
  readonly slack = new FakeSlack();

  protected async listen() {
    await this.slack.listen();
    return { SLACK_BOT_TOKEN: this.slack.botToken, SLACK_APP_TOKEN: this.slack.appToken, SLACK_API_URL: this.slack.apiUrl, AINEWS_ADMINS: `slack:${USERS.admin}` };
  }

  protected async connect(app: TestApp) {
    const platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 100 })!;
    if (!(await platform.start())) throw new Error('Slack did not connect');
    return platform;
  }

  protected closeFake() {
    return this.slack.close();
  }

  async command(text: string, as: Asker = {}): Promise<Reply> {
    const payload = this.slack.slashPayload(text, { channel: CHANNEL_ID, user: as.admin ? USERS.admin : USERS[as.user ?? 'alice'] });
    return this.answer(() => this.slack.envelope('slash_commands', payload), `/ainews ${text}`);
  }

  async more(reply: Reply, as: Asker = {}): Promise<Reply> {
    const actions = ((reply.raw as { blocks: { type: string; elements?: { action_id: string; value: string }[] }[] }).blocks ?? []).find((b) => b.type === 'actions');
    const button = actions?.elements?.find((e) => e.action_id === MORE_ACTION);
    if (!button) throw new Error('the reply has no More button');
    const payload = this.slack.buttonPayload(button.action_id, button.value, { channel: CHANNEL_ID, user: as.admin ? USERS.admin : USERS[as.user ?? 'alice'] });
    return this.answer(() => this.slack.envelope('interactive', payload), 'More');
  }

  posts(): Posted[] {
    const inChannel = this.slack.posts.filter((m) => m.channel === CHANNEL_ID);
    return inChannel.filter((m) => !m.thread_ts).map((m) => ({ ...read(m), replies: inChannel.filter((r) => r.thread_ts === m.ts).map(read) }));
  }

  failNextPost(how: PostFailure): void {
    if (how === 'gone') this.slack.notMember.add(CHANNEL_ID);
    else this.slack.fail('chat.postMessage', how === 'server-error' ? { status: 500 } : how === 'no-answer' ? { hang: true } : { status: 429, retryAfter: 1 });
  }

  postAttempts(): number[] {
    return this.slack.callsOf('chat.postMessage').map((call) => call.at);
  }

  lookups(): number[] {
    return this.slack.calls.filter((call) => call.method === 'conversations.history' || call.method === 'conversations.replies').map((call) => call.at);
  }

  refused(): unknown[] {
    return this.slack.refused;
  }

  /** Sends an envelope, and returns what arrives at its response_url. */
  private async answer(send: () => Promise<unknown>, what: string): Promise<Reply> {
    const before = this.slack.responses.length;
    await send();
    await answerOrRefusal(() => this.slack.responses.length > before, () => this.slack.refused, what);
    const body = this.slack.responses[before]!.body as { text?: string; blocks?: unknown[]; response_type?: string; replace_original?: boolean };
    const shown = readMrkdwn(messageTexts(body));
    const hasMore = JSON.stringify(body.blocks ?? []).includes(`"action_id":"${MORE_ACTION}"`);
    return { text: shown.text, private: body.response_type !== 'in_channel', hasMore, replaced: body.replace_original === true, raw: body };
  }
}

function read(message: PostedMessage): Posted {
  return { id: message.ts, ...readMrkdwn(messageTexts(message)), replies: [], raw: message };
}

/** A message's texts: its fallback text and every text object of its blocks (mrkdwn is parsed, plain text is not). */
function messageTexts(message: { text?: string; blocks?: unknown }): { mrkdwn: string[]; plain: string[] } {
  const texts = { mrkdwn: message.text ? [message.text] : [], plain: [] as string[] };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') {
      (object.type === 'mrkdwn' ? texts.mrkdwn : texts.plain).push(object.text);
    } else Object.values(object).forEach(walk);
  };
  walk(message.blocks);
  return texts;
}

const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * mrkdwn as Slack reads it: `<…>` is a control sequence (a date, a mention, a link) and everything else
 * is text, with `&lt;`, `&gt;` and `&amp;` showing as the characters they stand for.
 */
function readMrkdwn({ mrkdwn, plain }: { mrkdwn: string[]; plain: string[] }): Omit<Posted, 'id' | 'replies' | 'raw'> {
  const mentions: string[] = [];
  const links: Posted['links'] = [];
  const shown = mrkdwn.map((text) =>
    decode(
      text.replace(/<([^<>]*)>/g, (_token, inner: string) => {
        const [target = '', ...label] = inner.split('|');
        if (target.startsWith('!date^')) return label.join('|');
        if (/^[!@#]/.test(target)) return (mentions.push(inner), inner);
        links.push({ url: decode(target), label: decode(label.join('|') || target) });
        return label.join('|') || target;
      }),
    ),
  );
  return { text: [...shown, ...plain].join('\n'), mentions, links };
}
