import type { Answer } from '../../../commands/index.ts';
import { createLogger } from '../../../src/log.ts';
import { ConsoleChat } from '../../../src/platforms/console/console-chat.ts';
import { ConsoleSender } from '../../../src/platforms/console/console-sender.ts';
import { renderAnswer } from '../../../src/platforms/console/render-answer.ts';
import type { TestApp } from '../../helpers/app.ts';
import { BaseHarness, type Asker, type PlatformHarness, type Posted, type PostFailure, type Reply } from './harness.ts';

const CHANNEL = 'console:team';
const ADMIN = 'root';

/**
 * The console, the embedded default platform: its "fake" is the terminal, the lines it is given. A
 * terminal takes whatever it is written, so the console has no failures to script: no lost answer, no
 * rate limit, no channel that goes away.
 */
export class ConsoleHarness extends BaseHarness implements PlatformHarness {
  readonly name = 'console';
  readonly channel = CHANNEL;
  readonly goneReason = /^$/;
  private readonly printed: { text: string; at: number }[] = [];
  private chat: ConsoleChat | undefined;

  protected async listen() {
    return { AINEWS_ADMINS: `console:${ADMIN}` };
  }

  protected async connect(app: TestApp) {
    this.chat = new ConsoleChat(app, createLogger('silent'), { perMinute: app.config.COMMANDS_PER_MINUTE, admins: app.config.AINEWS_ADMINS });
    return { sender: new ConsoleSender((text) => this.printed.push({ text, at: Date.now() })), stop: async () => undefined };
  }

  protected async closeFake() {}

  async command(text: string, as: Asker = {}): Promise<Reply> {
    return reply(await this.chat!.type(CHANNEL, user(as), text));
  }

  async more(previous: Reply, as: Asker = {}): Promise<Reply> {
    const next = (previous.raw as Answer).kind === 'results' ? (previous.raw as Extract<Answer, { kind: 'results' }>).more : null;
    if (!next) throw new Error('the reply has no next page');
    // The next page is printed below the one it follows (or an error is, instead).
    return reply(await this.chat!.more(CHANNEL, user(as), next));
  }

  /** Alert blocks as printed, each with the story updates printed for it later. */
  /**
   * Messages as printed (alerts, folds, digests), each with the story updates printed for it later; a
   * message's id is the one the console sender gave it, counting every message it printed.
   */
  posts(): Posted[] {
    const numbered = this.printed.map((p, i) => ({ ...p, id: `console-${process.pid}-${i + 1}` }));
    const messages = numbered.filter((p) => p.text.startsWith(`┌ ${CHANNEL} · `) && !p.text.startsWith(`┌ ${CHANNEL} · story #`));
    const updates = numbered.filter((p) => p.text.startsWith(`┌ ${CHANNEL} · story #`));
    return messages.map((message) => {
      const title = message.text.split('\n')[1]!.slice(2);
      return { ...read(message.text, message.id), replies: updates.filter((u) => u.text.includes(` "${title}" also covered by `)).map((u) => read(u.text, u.id)) };
    });
  }

  failNextPost(how: PostFailure): void {
    throw new Error(`a terminal cannot fail with ${how}`);
  }

  postAttempts(): number[] {
    return this.printed.filter((p) => p.text.startsWith(`┌ ${CHANNEL} · watch `)).map((p) => p.at);
  }

  lookups(): number[] {
    return [];
  }

  refused(): unknown[] {
    return [];
  }
}

function user(as: Asker): string {
  return as.admin ? ADMIN : (as.user ?? 'alice');
}

/**
 * What the user sees: the answer as the console renders it, its matched words marked «like this» read as
 * the emphasis they are. It is only on their own screen.
 */
function reply(answer: Answer): Reply {
  const hasMore = answer.kind === 'results' && answer.more !== null;
  return { text: renderAnswer(answer).replace(/[«»]/g, ''), private: !(answer.kind === 'notice' && answer.announce), hasMore, replaced: false, raw: answer };
}

/** A printed block as a reader sees it: text that a terminal shows as it is; its links are the URLs on its last line. */
function read(text: string, id: string): Posted {
  const last = text.split('\n').at(-1)!;
  const url = /^└ (\S+)$/.exec(last)?.[1];
  return { id, text, mentions: [], links: url ? [{ label: url, url }] : [], replies: [], raw: text };
}
