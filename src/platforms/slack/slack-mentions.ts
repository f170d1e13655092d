import type { webApi } from '@slack/bolt';
import { MentionError, refuseBroadcast, type MentionTarget } from '../../mention.ts';

const USER_PAGES = 10;

/**
 * Who `mention:` names in this workspace: a user group by its handle (`@ai-team`, found with
 * usergroups.list), else a member by name or display name (users.list); `<@U…>` and `<!subteam^S…>`
 * as Slack writes them are taken as they are.
 */
export async function resolveSlackMention(client: webApi.WebClient, target: string): Promise<MentionTarget> {
  const typed = target.trim();
  refuseBroadcast(typed);
  const user = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(typed);
  if (user) return { kind: 'user', id: user[1]!, label: typed };
  const group = /^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(typed);
  if (group) return { kind: 'group', id: group[1]!, label: typed };
  const name = typed.replace(/^@/, '').toLowerCase();
  if (!/^[\w.-]{1,80}$/.test(name)) throw new MentionError(`"${typed}" is not a user group or a user: write @handle`);
  try {
    const groups = await client.usergroups.list({ include_disabled: false });
    const found = groups.usergroups?.find((g) => g.handle?.toLowerCase() === name);
    if (found?.id) return { kind: 'group', id: found.id, label: `@${found.handle}` };
    let cursor: string | undefined;
    for (let page = 0; page < USER_PAGES; page++) {
      const users = await client.users.list({ limit: 200, cursor });
      const member = users.members?.find((m) => !m.deleted && (m.name?.toLowerCase() === name || m.profile?.display_name?.toLowerCase() === name));
      if (member?.id) return { kind: 'user', id: member.id, label: `@${member.name ?? name}` };
      cursor = users.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'missing_scope') throw new MentionError('I cannot look up user groups and users here: the app needs the usergroups:read and users:read scopes (reinstall it from its manifest)');
    throw error;
  }
  throw new MentionError(`this workspace has no user group or member @${name}`);
}
