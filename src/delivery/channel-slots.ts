import type { OutboxRow } from '../db/outbox.ts';

/**
 * Rows (alerts or updates) a channel's task sends before it gives its slot up; the oldest alert waiting
 * (possibly its own channel's) goes next, so that channels waiting for a slot get their turn.
 */
const TURN_ROWS = 5;

/** What the slots run, provided by the worker: claiming rows and delivering them. */
export interface ChannelWork {
  /** Claims the due heads of the queues of channels other than `busy`: at most `limit` rows, due by `dueBy` (default: now). */
  claimDue(limit: number, busy: string[], dueBy: Date | undefined): Promise<OutboxRow[]>;
  /** Claims the due head of one channel's queue. */
  claimChannel(channel: string, dueBy: Date | undefined): Promise<OutboxRow[]>;
  /** Delivers one channel's claimed rows in order; `goOn` is false when the channel must now wait. */
  deliver(rows: OutboxRow[]): Promise<{ sent: number; goOn: boolean }>;
}

/**
 * Serves channels side by side, each by a task of its own, at most `size` at once, so that one channel's
 * backlog, pace or retry does not hold up another's; when more channels are waiting, they take turns.
 */
export class ChannelSlots {
  /** The channels being served, each by its task, which settles with how many rows it sent. */
  private readonly tasks = new Map<string, Promise<number>>();
  /**
   * The claim of the latest `startDue`, settled or not: each waits for the one before, so that two never
   * count the same free slots or the same idle channels.
   */
  private starting: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly size: number,
    private readonly work: ChannelWork,
    /** Called when a task ends, to start channels waiting for a slot without waiting for a tick. */
    private readonly onFreed: () => void = () => undefined,
  ) {}

  get stopped(): boolean {
    return this.stopping;
  }

  /**
   * Claims the head of the queue of idle channels that are due (by `dueBy`), oldest first, and starts a
   * task for each: at most as many rows as there are free slots, a channel's updates counting among them.
   * Resolves to the tasks started, once they are; rejects when the claim fails.
   */
  startDue(dueBy?: Date): Promise<Promise<number>[]> {
    const started = this.starting.then(() => this.claimAndStart(dueBy));
    this.starting = started.catch(() => undefined);
    return started;
  }

  private async claimAndStart(dueBy: Date | undefined): Promise<Promise<number>[]> {
    const room = this.size - this.tasks.size;
    if (this.stopping || room <= 0) return [];
    const batch = await this.work.claimDue(room, [...this.tasks.keys()], dueBy);
    return [...groupByChannel(batch)].map(([channel, rows]) => {
      const task = this.serve(channel, rows, dueBy).finally(() => {
        this.tasks.delete(channel);
        this.onFreed();
      });
      this.tasks.set(channel, task);
      return task;
    });
  }

  /**
   * Serves what was due when it was called, starting channels as slots free up, and returns how many rows
   * were sent once none of it is left. A failing task (a storage error) stops new starts; its error is
   * thrown once the tasks under way have ended.
   */
  async drain(): Promise<number> {
    const dueBy = new Date();
    let sent = 0;
    const running = new Set<Promise<void>>();
    let failure: unknown = null;
    for (;;) {
      try {
        if (failure === null) {
          for (const task of await this.startDue(dueBy)) {
            const tracked: Promise<void> = task.then(
              (count) => void (sent += count),
              (error: unknown) => void (failure ??= error),
            ).finally(() => running.delete(tracked));
            running.add(tracked);
          }
        }
      } catch (error) {
        failure ??= error;
      }
      if (running.size === 0) break;
      // A slot is free again: channels the limit left out, or one giving up its turn, are started.
      await Promise.race(running);
    }
    if (failure !== null) throw failure;
    return sent;
  }

  /** Starts nothing more, and waits for the tasks under way to end (those of a claim in progress too). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await Promise.allSettled(this.tasks.values());
  }

  /**
   * One channel's task: its claimed rows, then the next head of its queue, until the channel has nothing
   * due, must wait (for an alert's retry, or for good: the channel is gone), or has had its turn.
   */
  private async serve(channel: string, rows: OutboxRow[], dueBy: Date | undefined): Promise<number> {
    let sent = 0;
    for (let served = rows.length; ; served += rows.length) {
      const { sent: count, goOn } = await this.work.deliver(rows);
      sent += count;
      if (!goOn || this.stopping || served >= TURN_ROWS) return sent;
      rows = await this.work.claimChannel(channel, dueBy);
      if (rows.length === 0) return sent;
    }
  }
}

function groupByChannel(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const byChannel = new Map<string, OutboxRow[]>();
  for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  return byChannel;
}
