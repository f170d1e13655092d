import type { Config } from '../config.ts';
import type { Sql } from '../db/sql.ts';
import { probeWrite } from '../db/write-probe.ts';
import type { Logger } from '../log.ts';
import type { Heartbeat } from '../pipeline/scheduler.ts';
import { cronPeriodMs } from './cron-period.ts';
import { HealthCheck, type PlatformProbe } from './health.ts';
import { listenOps, type OpsServer } from './http-server.ts';
import type { Metrics } from './metrics.ts';

/** The parts of the app the health checks and the metrics read (the app itself fits). */
export interface OpsParts {
  config: Pick<Config, 'POLL_CRON'>;
  sql: Sql;
  scheduler: { heartbeat(): Heartbeat };
  metrics: Metrics;
  log: Logger;
}

/**
 * Starts the health and metrics server of `ainews run` at `where` (METRICS_HOST, METRICS_PORT). The
 * platforms are the configured chat platforms; `now` is the health checks' clock.
 */
export function serveOps(app: OpsParts, platforms: PlatformProbe[], where: { host: string; port: number }, options: { now?: () => Date } = {}): Promise<OpsServer> {
  const now = options.now ?? (() => new Date());
  const health = new HealthCheck({
    probeDatabase: () => probeWrite(app.sql, now()),
    scheduler: app.scheduler,
    stallAfterMs: 2 * cronPeriodMs(app.config.POLL_CRON),
    platforms,
    now,
  });
  app.metrics.collectProcessMetrics();
  return listenOps({ health: () => health.run(), metrics: () => app.metrics.exposition() }, where, app.log.child({ component: 'ops' }));
}
