import { StringDecoder } from 'node:string_decoder';
import { startCli } from '../helpers/cli.ts';

type Run = ReturnType<typeof startCli>;

/** An alert a worker printed for the console channel: the link it ends with, and when its line reached us. */
export interface Printed {
  pid: number;
  link: string;
  at: number;
}

/** A line a worker logged at warn or above. */
export interface Logged {
  pid: number;
  level: number;
  msg: string;
  err: string | null;
}

/** Whether a log line tells of SQLite's write lock not coming within AINEWS_DB_BUSY_TIMEOUT. */
export function saysBusy(line: Logged): boolean {
  return /SQLITE_BUSY|database is locked/i.test(`${line.msg} ${line.err ?? ''}`);
}

/**
 * Whether a log line tells of PostgreSQL giving up a transaction that met another worker's: a deadlock, a
 * serialization failure, a lock not available (src/db/postgres/errors.ts). PostgreSQL's SQLITE_BUSY, in a way.
 */
export function saysGivenUp(line: Logged): boolean {
  return /gave up a transaction that met another|deadlock detected|could not serialize access|could not obtain lock/i.test(`${line.msg} ${line.err ?? ''}`);
}

/**
 * `ainews run` processes on one database, each of which can be killed and started again. Keeps what they
 * print for the console channel `consoleChannel` (the alert blocks of console-sender.ts) and what they log
 * at warn and above (the environment must ask for LOG_LEVEL=warn and JSON, which a pipe gets).
 */
export class WorkerPool {
  readonly printed: Printed[] = [];
  readonly logged: Logged[] = [];
  private readonly runs: Run[] = [];
  private readonly stopping = new Set<Run>();

  constructor(
    private readonly size: number,
    private readonly env: Record<string, string>,
    private readonly consoleChannel: string,
  ) {}

  startAll(): void {
    for (let i = 0; i < this.size; i++) this.start(i);
  }

  start(i: number): void {
    const run = startCli(['run'], this.env);
    const pid = run.child.pid!;
    let block = false;
    lines(run.child.stdout, (line) => {
      if (line.startsWith('┌ ')) block = line.startsWith(`┌ ${this.consoleChannel} `);
      else if (block && line.startsWith('└ ')) {
        this.printed.push({ pid, link: line.slice(2).trim(), at: Date.now() });
        block = false;
      }
    });
    lines(run.child.stderr, (line) => {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } | string };
        if ((entry.level ?? 0) >= 40) this.logged.push({ pid, level: entry.level!, msg: entry.msg ?? '', err: typeof entry.err === 'string' ? entry.err : (entry.err?.message ?? null) });
      } catch {
        this.logged.push({ pid, level: 60, msg: line, err: null }); // not a log line: a crash's own output
      }
    });
    this.runs[i] = run;
  }

  /** The pids of the workers running now. */
  get live(): Set<number> {
    return new Set(this.runs.filter((run) => run.child.exitCode === null && run.child.signalCode === null).map((run) => run.child.pid!));
  }

  /**
   * Workers that ended though nobody stopped them, each started again; returns what each wrote last.
   */
  restartExited(): string[] {
    const exited: string[] = [];
    this.runs.forEach((run, i) => {
      if (this.stopping.has(run) || (run.child.exitCode === null && run.child.signalCode === null)) return;
      exited.push(`worker ${i + 1} (pid ${run.child.pid}) exited by itself (${run.child.exitCode ?? run.child.signalCode}): ${run.output().stderr.slice(-300)}`);
      this.start(i);
    });
    return exited;
  }

  /** Kills worker `i` with SIGKILL and waits for it to be gone. */
  async kill(i: number): Promise<void> {
    const run = this.runs[i]!;
    this.stopping.add(run);
    run.child.kill('SIGKILL');
    await run.exited;
  }

  /** Stops every worker with SIGTERM, as an operator would; resolves to their exit codes. */
  async stopAll(): Promise<(number | null)[]> {
    for (const run of this.runs) this.stopping.add(run);
    for (const run of this.runs) run.child.kill('SIGTERM');
    return Promise.all(this.runs.map((run) => run.exited));
  }
}

/** Calls `each` with every whole line the stream gives. */
function lines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  const decoder = new StringDecoder('utf8'); // a character may be split between chunks
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + decoder.write(chunk)).split('\n');
    rest = parts.pop()!;
    for (const part of parts) each(part);
  });
}
