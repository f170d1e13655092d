/**
 * Runs at most one task at a time per host, so that no site sees two requests from us at once. `around`
 * wraps each task, for the same rule across the workers sharing the database (HostLeases).
 */
export class HostQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly around: <T>(host: string, task: () => Promise<T>, signal?: AbortSignal) => Promise<T> = (_host, task) => task()) {}

  /** `signal` ends a wait for another worker's request to the host. */
  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tails.get(host) ?? Promise.resolve();
    const wrapped = () => this.around(host, task, signal);
    const result = previous.then(wrapped, wrapped);
    const tail = result.catch(() => undefined);
    this.tails.set(host, tail);
    void tail.then(() => {
      if (this.tails.get(host) === tail) this.tails.delete(host);
    });
    return result;
  }
}
