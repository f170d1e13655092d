import { UserError } from './user-error.ts';

/**
 * Who a watch pings when it fires, as the platform resolved it when the watch was added: a user, a
 * user group (Slack) or a role (Discord), by id, with the name it was typed as.
 */
export interface MentionTarget {
  kind: 'user' | 'group' | 'role';
  id: string;
  label: string;
}

export class MentionError extends UserError {
  override name = 'MentionError';
}

// Every spelling of "everyone in the channel", as typed or as the platforms escape it.
const BROADCASTS = /^(?:@|<!|<@)?(?:everyone|here|channel)(?:>|\|.*>)?$/i;

/**
 * Refuses a mention target that would ping a whole channel or server: a watch pings a person, a group
 * or a role who chose to be told, never everyone.
 */
export function refuseBroadcast(target: string): void {
  if (BROADCASTS.test(target.trim())) {
    throw new MentionError(`${target.trim()} pings everyone in the channel: a watch may mention a user, a user group or a role, never everyone`);
  }
}

/** The mention targets stored with an outbox row (JSON), or none. */
export function readMentions(json: string | null): MentionTarget[] {
  return json ? (JSON.parse(json) as MentionTarget[]) : [];
}
