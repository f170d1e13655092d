/** ainews names a Slack channel `slack:<team>/<channel>`, so that one database can serve several workspaces. */
export function slackChannelName(team: string, channel: string): string {
  return `slack:${team}/${channel}`;
}

/** The Slack channel id inside an ainews channel name (`slack:T1/C2` → `C2`). */
export function slackChannelId(name: string): string {
  const match = /^slack:(?:[^/]+\/)?([A-Z0-9]+)$/i.exec(name);
  if (!match) throw new Error(`"${name}" is not a Slack channel name (slack:<team>/<channel>)`);
  return match[1]!;
}
