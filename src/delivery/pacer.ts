/**
 * Spaces calls per key (a channel) at least `intervalMs` apart, in the order they asked: chat platforms
 * allow about one message per second in a channel and answer bursts beyond it with 429s.
 */
export class Pacer {
  private readonly next = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  async wait(key: string): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + this.intervalMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
