import { describeDatabaseError } from '../src/db/errors.ts';
import type { MentionTarget } from '../src/mention.ts';
import { UserError } from '../src/user-error.ts';
import { checkValues, parseTypedArgs, resolveTyped, type RawValues } from './options.ts';
import type { CommandRateLimiter } from './rate-limit.ts';
import type { Access, Answer, CommandDefinition, CommandServices } from './types.ts';

/**
 * What a platform tells the dispatcher about the person asking and the channel they asked in: the
 * port each platform implements, so that the policy a command declares is applied in one place.
 */
export interface Asker {
  /** The user across platforms, for the rate limit: `slack:T1/U1`, `discord:42`. */
  readonly id: string;
  /** How the user is recorded (a watch's `created_by`): `@alice`. */
  readonly name: string;
  /** The channel asked in, in ainews naming; null only on the CLI when none was given. */
  readonly channel: string | null;
  /** Results per page, where the platform shows more or fewer than the default. */
  readonly pageSize?: number;
  isAdmin(): Promise<boolean>;
  isChannelManager(): Promise<boolean>;
  /** Who counts as an admin, or as managing this channel, in the platform's own words, for a refusal. */
  whoMay(access: Exclude<Access, 'anyone'>): string;
  /** What stops the bot from posting alerts in this channel, in words the user can act on; null when nothing does. */
  cannotPost(): Promise<string | null>;
  /** Called before a command that writes runs: a platform that must answer within seconds defers its reply. */
  defer?(): Promise<void>;
  /** Who `mention:@who` names here, checked against what the user may ping; absent where nobody can be pinged. */
  resolveMention?(target: string): Promise<MentionTarget>;
}

/** Text typed after /ainews; or text for a given command (a More button's next page); or a platform form's values. */
export type Request = { text: string } | { command: CommandDefinition; text: string } | { command: CommandDefinition; values: RawValues };

export interface DispatcherDeps {
  commands: readonly CommandDefinition[];
  services: CommandServices;
  /** COMMANDS_PER_MINUTE per user; none for the operator's own CLI. */
  limiter?: CommandRateLimiter;
  /** A failure that is not the user's: logged by the caller, never shown in detail. */
  onBug?: (error: unknown, command: string | null) => void;
  /** Told how long each request took to answer, refusals and mistakes included (the metrics time them). */
  onAnswered?: (seconds: number) => void;
}

/**
 * Runs commands for every platform, applying what each declares: the rate limit, who may run it, the
 * deferred reply for writes, the warning when the bot cannot post in the channel. A user's mistake is
 * answered with its message and the command's usage; anything else is reported without internals.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** The commands it runs, for a platform to offer (Discord's slash commands, autocompletion). */
  get commands(): readonly CommandDefinition[] {
    return this.deps.commands;
  }

  async dispatch(request: Request, asker: Asker, now?: Date): Promise<Answer> {
    const started = performance.now();
    try {
      return await this.answer(request, asker, now);
    } finally {
      this.deps.onAnswered?.((performance.now() - started) / 1000);
    }
  }

  private async answer(request: Request, asker: Asker, now?: Date): Promise<Answer> {
    const wait = this.deps.limiter?.take(asker.id) ?? 0;
    if (wait) return this.deps.limiter!.refusal(wait);
    let command: CommandDefinition | null = null;
    try {
      const resolved = 'command' in request ? { command: request.command, args: 'text' in request ? request.text : '' } : resolveTyped(this.commands, request.text);
      command = resolved.command;
      const values = 'values' in request ? checkValues(command, request.values) : parseTypedArgs(command, resolved.args, this.family(command));
      const refusal = await this.refusal(command, asker);
      if (refusal) return { kind: 'error', message: refusal, usage: '' };
      if (command.writes) await asker.defer?.();
      const services = Object.fromEntries(command.uses.map((name) => [name, this.deps.services[name]])) as unknown as CommandServices;
      const mention = asker.resolveMention ? (target: string) => asker.resolveMention!(target) : undefined;
      const answer = await command.run(values as never, { channel: asker.channel, user: asker.name, services, now, pageSize: asker.pageSize, mention });
      return await this.withPostingWarning(command, answer, asker);
    } catch (error) {
      return this.failure(error, command);
    }
  }

  /** The commands that share a first word with this one (`feeds`, `feeds add`…): one usage names them all. */
  private family(command: CommandDefinition): CommandDefinition[] {
    const [first] = command.name.split(' ');
    return this.commands.filter((c) => c.name.split(' ')[0] === first);
  }

  private async refusal(command: CommandDefinition, asker: Asker): Promise<string | null> {
    if (command.access === 'anyone') return null;
    const allowed = command.access === 'admin' ? await asker.isAdmin() : (await asker.isChannelManager()) || (await asker.isAdmin());
    if (allowed) return null;
    const role = command.access === 'admin' ? 'admins' : 'those who manage this channel';
    return `only ${role} can ${command.action ?? `use ${command.name}`}: ${asker.whoMay(command.access)}`;
  }

  /** A command whose point is alerts here says, when it worked, that the bot cannot post in this channel yet. */
  private async withPostingWarning(command: CommandDefinition, answer: Answer, asker: Asker): Promise<Answer> {
    if (!command.needsPosting || answer.kind !== 'notice' || !asker.channel) return answer;
    let problem: string | null;
    try {
      problem = await asker.cannotPost();
    } catch (error) {
      this.deps.onBug?.(error, command.name);
      return answer;
    }
    return problem ? { ...answer, warnings: [...(answer.warnings ?? []), problem] } : answer;
  }

  private failure(error: unknown, command: CommandDefinition | null): Answer {
    const usage = command ? this.usage(command) : '';
    if (error instanceof UserError) return { kind: 'error', message: error.message, usage };
    this.deps.onBug?.(error, command?.name ?? null);
    // The database refusing (busy, full, read-only) is nobody's mistake: say what it is, not "a bug".
    const storage = describeDatabaseError(error);
    if (storage) return { kind: 'error', message: storage, usage: '' };
    return { kind: 'error', message: 'something went wrong on our side; it has been logged', usage };
  }

  /** The usage shown with a mistake: the command's, with its family's when it has one. */
  private usage(command: CommandDefinition): string {
    return `/ainews ${this.family(command).map((c) => c.usage).join(' | ')}`;
  }
}
