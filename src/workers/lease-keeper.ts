import type { Leases } from '../db/leases.ts';
import type { Logger } from '../log.ts';

export interface LeaseKeeperOptions {
  leases: Leases;
  /** What the lease is for: 'discord-gateway', 'retention', … */
  name: string;
  /** This worker: unique among the workers sharing the database. */
  holder: string;
  /** How long a lease lasts unrenewed: how long a dead holder's work waits before another worker takes it. */
  ttlMs: number;
  /** Called when this worker takes the lease (start the work only one worker may do). */
  onAcquired: () => void | Promise<void>;
  /** Called when this worker lost it, or gives it up on stopping (stop that work). */
  onLost: () => void | Promise<void>;
  log: Logger;
  now?: () => Date;
}

/**
 * Holds a named lease for this worker while it can: asks for it every third of its lifetime, renewing it
 * when held and taking it when its holder stopped renewing. The work the lease guards (the Discord gateway
 * session, a scheduled job) runs between `onAcquired` and `onLost`, so that exactly one worker does it, and
 * another takes over within `ttlMs` when that one dies.
 *
 * A renewal that fails because the database cannot be reached counts as lost once the lease would have
 * expired: another worker may hold it by then.
 */
export class LeaseKeeper {
  private held = false;
  private heldUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private readonly now: () => Date;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get holding(): boolean {
    return this.held;
  }

  start(): void {
    const every = Math.max(1000, Math.floor(this.options.ttlMs / 3));
    const next = () => {
      this.timer = setTimeout(() => {
        this.round = this.tick().finally(() => {
          this.round = null;
          if (this.timer) next();
        });
      }, every);
      this.timer.unref();
    };
    this.round = this.tick().finally(() => (this.round = null));
    next();
  }

  /** One round: take or renew the lease, and say so when that changes whether this worker holds it. */
  async tick(): Promise<void> {
    const { leases, name, holder, ttlMs, log } = this.options;
    const now = this.now();
    let acquired: boolean;
    try {
      acquired = await leases.acquire(name, holder, ttlMs, now);
    } catch (error) {
      log.warn({ err: (error as Error).message, lease: name }, 'could not renew a lease; the database is unreachable');
      acquired = this.held && now.getTime() < this.heldUntil;
    }
    if (acquired) this.heldUntil = now.getTime() + ttlMs;
    if (acquired && !this.held) {
      this.held = true;
      log.info({ lease: name, holder }, 'this worker took the lease');
      await this.options.onAcquired();
    } else if (!acquired && this.held) {
      this.held = false;
      log.warn({ lease: name, holder }, 'this worker lost the lease; another worker does the work now');
      await this.options.onLost();
    }
  }

  /** Stops asking, and gives the lease up at once so that another worker need not wait for it to expire. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
    if (!this.held) return;
    this.held = false;
    await this.options.onLost();
    await this.options.leases.release(this.options.name, this.options.holder).catch(() => undefined);
  }
}

/** A name for this worker among those sharing the database: its host, its process, and a random part. */
export function workerName(host: string, pid: number): string {
  return `${host}:${pid}:${Math.random().toString(36).slice(2, 8)}`;
}
