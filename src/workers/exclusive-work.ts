import type { Leases } from '../db/leases.ts';

/**
 * Runs `work` unless another worker sharing the database is doing it now: scheduled work that must run
 * once across workers (the daily prune, WebSub renewals). The lease `name` is held while it runs, for at
 * most `ttlMs` (choose it longer than the work takes: past it, another worker may start the same work),
 * and given up when it ends. Resolves to whether the work ran here.
 */
export async function runExclusively(
  lease: { leases: Leases; name: string; holder: string; ttlMs: number },
  work: () => Promise<void>,
  now: () => Date = () => new Date(),
): Promise<boolean> {
  const { leases, name, holder, ttlMs } = lease;
  if (!(await leases.acquire(name, holder, ttlMs, now()))) return false;
  try {
    await work();
  } finally {
    await leases.release(name, holder);
  }
  return true;
}
