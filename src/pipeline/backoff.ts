export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** Delay before retrying after the nth consecutive failure (n ≥ 1): base × 2ⁿ⁻¹, capped. */
export function backoffDelay(failures: number, settings: BackoffSettings): number {
  return Math.min(settings.baseMs * 2 ** Math.max(0, failures - 1), settings.maxMs);
}

/** The regular interval with ±10% jitter, so feeds added together do not stay in lockstep. */
export function jittered(intervalMs: number, random: () => number): number {
  return Math.round(intervalMs * (0.9 + 0.2 * random()));
}
