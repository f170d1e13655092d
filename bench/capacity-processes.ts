import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerReply, WorkerRequest } from './capacity-protocol.ts';
import { combine, type Fleet, type RoundReport } from './capacity-round.ts';

const WORKER = fileURLToPath(new URL('./capacity-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One worker process, asked one thing at a time. */
class WorkerProcess {
  private waiting: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | null = null;
  private exited: Promise<void>;
  private gone: string | null = null;

  constructor(
    readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (reply: WorkerReply) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (!waiting) return;
      if (reply.kind === 'failed') waiting.reject(new Error(`capacity: worker ${index + 1} failed: ${reply.error}`));
      else waiting.resolve(reply);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.gone = `capacity: worker ${index + 1} exited (${signal ?? `code ${code}`})`;
        this.waiting?.reject(new Error(`${this.gone} before it answered`));
        this.waiting = null;
        resolve();
      });
    });
  }

  ask(request: WorkerRequest): Promise<WorkerReply> {
    if (this.gone) return Promise.reject(new Error(this.gone));
    if (this.waiting) return Promise.reject(new Error(`capacity: worker ${this.index + 1} was asked twice at once`));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(request);
    });
  }

  async report(request: WorkerRequest): Promise<RoundReport> {
    const reply = await this.ask(request);
    if (reply.kind !== 'report') throw new Error(`capacity: worker ${this.index + 1} answered ${reply.kind} to ${request.kind}`);
    return reply.report;
  }

  /** Closes its app and lets it end; killed if it does not answer. */
  async close(): Promise<void> {
    if (!this.gone) await this.ask({ kind: 'close' }).catch(() => this.child.kill());
    await this.exited;
  }
}

/**
 * Several workers, each a process of its own (capacity-worker.ts, run by Node with tsx) with its own app
 * on the one database, moved together round by round: each round, every one sets its clock, runs its
 * scheduler round and sends what is due, all at once; the round ends when the last one is done.
 */
export class WorkerProcesses implements Fleet {
  private constructor(private readonly workers: WorkerProcess[]) {}

  /** Starts `count` workers on the database `env` names (migrated, and set up already), their clocks at `at`. */
  static async start(count: number, env: Record<string, string>, at: number): Promise<WorkerProcesses> {
    const workers = Array.from(
      { length: count },
      (_, index) =>
        new WorkerProcess(index, fork(WORKER, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
    );
    const fleet = new WorkerProcesses(workers);
    try {
      // The planners' jitter differs from worker to worker, as it would between processes; the first's is the one worker's.
      await Promise.all(workers.map((worker) => worker.ask({ kind: 'open', env, at, worker: worker.index + 1 })));
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  get size(): number {
    return this.workers.length;
  }

  async round(at: number): Promise<RoundReport> {
    return this.together({ kind: 'round', at });
  }

  async drainAll(): Promise<RoundReport> {
    return this.together({ kind: 'drain' });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  /** Every worker's report, as one. */
  private async together(request: WorkerRequest): Promise<RoundReport> {
    return combine(await Promise.all(this.workers.map((worker) => worker.report(request))));
  }
}
