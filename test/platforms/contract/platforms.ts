import { DiscordHarness } from './discord-harness.ts';
import type { PlatformHarness } from './harness.ts';
import { SlackHarness } from './slack-harness.ts';

/** Every chat platform the contract is checked against: a fresh harness for each test. */
export const PLATFORMS: { name: string; harness: () => PlatformHarness }[] = [
  { name: 'slack', harness: () => new SlackHarness() },
  { name: 'discord', harness: () => new DiscordHarness() },
];
