import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';

describe('ainews slack manifest', () => {
  it('prints a Socket Mode manifest with the slash command, the scopes it needs and a bot user', async () => {
    const { code, stdout } = await runCli(['slack', 'manifest'], {});
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout);
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/ainews', should_escape: false })]);
    expect(manifest.features.slash_commands[0].url).toBeUndefined();
    expect(manifest.features.bot_user).toEqual({ display_name: 'ainews', always_online: true });
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'channels:history', 'groups:history', 'channels:read', 'groups:read', 'users:read']),
    );
    expect(manifest.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true } });
  });

  it('points HTTP mode at /slack/events under the given public URL', async () => {
    const { stdout } = await runCli(['slack', 'manifest', '--http', 'https://ainews.example.com/', '--name', 'AI Radar'], {});
    const manifest = JSON.parse(stdout);
    expect(manifest.features.slash_commands[0].url).toBe('https://ainews.example.com/slack/events');
    expect(manifest.settings).toMatchObject({ socket_mode_enabled: false, interactivity: { request_url: 'https://ainews.example.com/slack/events' } });
    expect(manifest.display_information.name).toBe('AI Radar');
  });

  it('refuses a URL Slack could not use', async () => {
    const { code, stderr } = await runCli(['slack', 'manifest', '--http', 'http://localhost:3000'], {});
    expect(code).toBe(1);
    expect(stderr).toMatch(/--http must be the public https:\/\/ base URL/);
  });
});
