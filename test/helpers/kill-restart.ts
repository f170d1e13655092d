import { expect } from 'vitest';
import { startCli } from './cli.ts';
import type { OutboxRow } from '../../src/db/outbox.ts';
import { readOutboxRow } from './news-feed.ts';
import { waitUntil } from './wait.ts';

/**
 * The crash between a platform taking a message and the outbox recording it: runs `ainews run` until
 * `posted()` says the platform has the message (its answer being held back by the fake), kills it with
 * SIGKILL, then runs it again until the outbox records the alert as sent, and calls `check` while that
 * second run is still up. The outbox holds one alert.
 */
export async function killBetweenPostAndRecord(
  env: Record<string, string>,
  posted: () => number,
  check: () => void | Promise<void>,
  /** The row being sent: by default the outbox's only one. */
  sending: () => OutboxRow = () => readOutboxRow(env.AINEWS_DB!),
): Promise<void> {
  const first = startCli(['run'], env);
  await waitUntil(() => posted() === 1, 40_000, 'the first post');
  first.child.kill('SIGKILL');
  await first.exited;
  // Killed while waiting (sending), or after its request timed out (retrying): the outcome is unknown.
  expect(sending()).toMatchObject({ status: expect.stringMatching(/^(sending|retrying)$/), attempt_started_at: expect.any(String) });
  const second = startCli(['run'], env);
  try {
    await waitUntil(() => sending().status === 'sent', 40_000, 'the alert recorded as sent');
    await check();
  } finally {
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
}
