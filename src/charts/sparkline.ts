/** The trends chart for the console, where a picture cannot be shown: one block character per day. */

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * Scaled to the busiest day (█). The lowest block is kept for days without stories, so that a quiet
 * day never looks like an empty one however busy the busiest.
 */
export function sparkline(counts: number[]): string {
  const clean = counts.map((count) => (Number.isFinite(count) && count > 0 ? count : 0));
  const peak = Math.max(0, ...clean);
  const top = BLOCKS.length - 1;
  return clean.map((count) => (count === 0 ? BLOCKS[0] : BLOCKS[1 + Math.round((count / peak) * (top - 1))])).join('');
}
