import { setTimeout as sleep } from 'node:timers/promises';
import type { Leases } from '../db/leases.ts';

/** How often a worker waiting for a site looks again whether the worker fetching from it is done. */
const RETRY_MS = 250;
/**
 * How long a site's lease lasts unrenewed: how long the site waits for a worker that died mid-fetch. A
 * fetch renews it every third of that for as long as it runs.
 */
export const HOST_LEASE_MS = 15_000;

/**
 * Politeness across workers: one request at a time per site, whichever worker makes it. A worker fetching
 * from a host holds the lease `host:<host>` meanwhile; another that wants the same host waits for it.
 */
export class HostLeases {
  constructor(
    private readonly leases: Leases,
    private readonly holder: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async hold<T>(host: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const name = `host:${host}`;
    while (!(await this.leases.acquire(name, this.holder, HOST_LEASE_MS, this.now()))) {
      await sleep(RETRY_MS, undefined, { signal });
    }
    const renewal = setInterval(() => void this.leases.acquire(name, this.holder, HOST_LEASE_MS, this.now()).catch(() => undefined), HOST_LEASE_MS / 3);
    renewal.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      // Not given up (the database is gone), the lease lapses by itself.
      await this.leases.release(name, this.holder).catch(() => undefined);
    }
  }
}
