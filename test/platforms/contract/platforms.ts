import { ConsoleHarness } from './console-harness.ts';
import { DiscordHarness } from './discord-harness.ts';
import type { PlatformHarness, PostFailure } from './harness.ts';
import { SlackHarness } from './slack-harness.ts';

export interface PlatformUnderTest {
  name: string;
  /** A fresh harness, for each test. */
  harness: () => PlatformHarness;
  /** How the platform can fail a post (a terminal cannot); a scenario about another is not the platform's. */
  failures: readonly PostFailure[];
  /** Whether a More button's page takes the place of the answer it was pressed on (a terminal prints it below). */
  pagesInPlace: boolean;
}

const REMOTE_FAILURES: readonly PostFailure[] = ['server-error', 'no-answer', 'rate-limited', 'gone'];

/** Every platform the contract is checked against. */
export const PLATFORMS: PlatformUnderTest[] = [
  { name: 'console', harness: () => new ConsoleHarness(), failures: [], pagesInPlace: false },
  { name: 'slack', harness: () => new SlackHarness(), failures: REMOTE_FAILURES, pagesInPlace: true },
  { name: 'discord', harness: () => new DiscordHarness(), failures: REMOTE_FAILURES, pagesInPlace: true },
];
