import { setTimeout as sleep } from 'node:timers/promises';
import type { Leases } from '../db/leases.ts';

/** How often a worker waiting for a site looks again whether the worker fetching from it is done. */
const RETRY_MS = 250;

/**
 * Politeness across workers: one request at a time per site, whichever worker makes it. A worker fetching
 * from a host holds the lease `host:<host>` meanwhile; another that wants the same host waits for it. A
 * worker that dies mid-fetch holds it no longer than `ttlMs` (longer than a fetch may take).
 */
export class HostLeases {
  constructor(
    private readonly leases: Leases,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async hold<T>(host: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const name = `host:${host}`;
    while (!(await this.leases.acquire(name, this.holder, this.ttlMs, this.now()))) {
      await sleep(RETRY_MS, undefined, { signal });
    }
    try {
      return await work();
    } finally {
      // Not given up (the database is gone), the lease lapses by itself.
      await this.leases.release(name, this.holder).catch(() => undefined);
    }
  }
}
