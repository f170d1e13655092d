import type { Leases } from '../db/leases.ts';
import type { Logger } from '../log.ts';
import type { ConnectionState } from '../platforms/connection-state.ts';
import { LeaseKeeper } from './lease-keeper.ts';

/** A platform session: logged in by `start`, closed for good by `stop`. */
export interface Session {
  start(): Promise<boolean>;
  stop(): Promise<void>;
  state(): ConnectionState;
}

/**
 * A session only one worker on the database may hold: Discord allows one gateway session per shard, and
 * two would both receive each command. The worker holding the lease `name` runs it; the others stand by
 * and take it over within `ttlMs` when that worker dies (or at once when it stops). A session, once
 * stopped, cannot start again, so each holding opens a new one.
 */
export class LeasedSession {
  private session: Session | null = null;
  private stopped = false;
  private readonly keeper: LeaseKeeper;

  constructor(options: { leases: Leases; name: string; holder: string; ttlMs: number; open: () => Session; log: Logger; now?: () => Date }) {
    const { open, ...lease } = options;
    this.keeper = new LeaseKeeper({
      ...lease,
      onAcquired: () => {
        const session = open();
        this.session = session;
        void session.start();
      },
      onLost: async () => {
        const session = this.session;
        this.session = null;
        await session?.stop();
      },
    });
  }

  /** Asks for the lease now and every third of its lifetime. */
  start(): void {
    this.keeper.start();
  }

  /** One round of asking (the timer's work; a test drives it on a clock of its own). */
  tick(): Promise<void> {
    return this.keeper.tick();
  }

  /** Closes the session, if this worker holds it, and gives the lease up for another worker to take at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.keeper.stop();
  }

  state(): ConnectionState {
    return this.session?.state() ?? (this.stopped ? 'stopped' : 'standby');
  }
}
