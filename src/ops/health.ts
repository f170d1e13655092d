import { describeDatabaseError } from '../db/errors.ts';
import { formatDuration } from '../duration.ts';
import type { Heartbeat } from '../pipeline/scheduler.ts';
import type { ConnectionState } from '../platforms/connection-state.ts';

export interface Check {
  ok: boolean;
  /** What fails, in words an operator can act on. */
  error?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: Record<string, Check>;
}

/** A configured chat platform, by name (`slack`, `discord`), and where its connection stands. */
export interface PlatformProbe {
  name: string;
  state(): ConnectionState;
}

/**
 * Up, or on its way (back) up by itself: the adapter retries for as long as the platform is unreachable,
 * and alerts wait in the outbox meanwhile, so a restart would change nothing. Given up (a rejected token)
 * or stopped is failing: someone has to act. A worker on standby (another worker holds the session only one
 * may hold) is as it should be.
 */
const UP: ReadonlySet<ConnectionState> = new Set(['connecting', 'connected', 'reconnecting', 'standby']);

export interface HealthDeps {
  /** Writes to the database; rejects with its error when the write fails. */
  probeDatabase(): Promise<void>;
  scheduler: { heartbeat(): Heartbeat };
  /** A schedule silent for longer than this has stopped: twice POLL_CRON's longest gap between fires. */
  stallAfterMs: number;
  platforms: PlatformProbe[];
  now?: () => Date;
}

/**
 * What GET /healthz answers: whether the database takes a write, the poll schedule still ticks, and
 * every configured platform is connected or reconnecting; each check named, with what fails.
 */
export class HealthCheck {
  constructor(private readonly deps: HealthDeps) {}

  async run(): Promise<HealthReport> {
    const checks: Record<string, Check> = { database: await this.database(), scheduler: this.scheduler() };
    for (const platform of this.deps.platforms) checks[platform.name] = this.platform(platform);
    return { status: Object.values(checks).every((check) => check.ok) ? 'ok' : 'failing', checks };
  }

  private async database(): Promise<Check> {
    try {
      await this.deps.probeDatabase();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describeDatabaseError(error) ?? (error instanceof Error ? error.message : String(error)) };
    }
  }

  private scheduler(): Check {
    const beat = this.deps.scheduler.heartbeat();
    const { stallAfterMs } = this.deps;
    const details = {
      running: beat.running,
      last_tick_at: beat.lastBeatAt?.toISOString() ?? null,
      ...(Number.isFinite(stallAfterMs) ? { stalled_after_seconds: stallAfterMs / 1000 } : {}),
    };
    if (!beat.scheduled) return { ok: false, error: 'the poll schedule is not running', ...details };
    // A tick still running is alive: a slow feed only makes the ticks in between skip.
    if (beat.running || !beat.lastBeatAt) return { ok: true, ...details };
    const silentMs = (this.deps.now?.() ?? new Date()).getTime() - beat.lastBeatAt.getTime();
    if (silentMs <= stallAfterMs) return { ok: true, ...details };
    return {
      ok: false,
      error: `the poll schedule has not ticked for ${formatDuration(silentMs)}, more than twice POLL_CRON's period (${formatDuration(stallAfterMs / 2)})`,
      ...details,
    };
  }

  private platform(platform: PlatformProbe): Check {
    const state = platform.state();
    if (UP.has(state)) return { ok: true, state };
    const why = state === 'failed' ? 'gave up connecting: check its settings and the log' : state === 'stopped' ? 'is stopped' : 'has not been started';
    return { ok: false, state, error: `${platform.name} ${why}` };
  }
}
