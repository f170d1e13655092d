/** The value below which `p` percent of the (sorted) values fall. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** The middle value (the upper one of an even count), of values in any order. */
export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}
