import { createServer } from 'node:net';

/**
 * Resolves once `check` holds (a check that reads the database resolves to whether it does); rejects after
 * `ms` so that a broken test fails instead of hanging.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port that was free a moment ago on 127.0.0.1, for a server that must be told its port up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once the outbox has nothing on its way that is due (pending or retrying by now, or being
 * sent): a message the fake platform has taken is recorded sent a moment later, and a test that reads
 * the outbox waits for that. Rows due later (a story update gathering sources) do not hold it up.
 */
export async function outboxSettled(app: { outbox: { list(): Promise<{ status: string; next_attempt_at: string }[]> } }, ms = 5000): Promise<void> {
  const onItsWay = (row: { status: string; next_attempt_at: string }) =>
    row.status === 'sending' || ((row.status === 'pending' || row.status === 'retrying') && Date.parse(row.next_attempt_at) <= Date.now());
  await waitUntil(async () => !(await app.outbox.list()).some(onItsWay), ms, 'the outbox settled');
}
