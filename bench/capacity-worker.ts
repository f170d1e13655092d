import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import type { WorkerReply, WorkerRequest } from './capacity-protocol.ts';
import { RoundWorker } from './capacity-round.ts';
import { seeded } from './random.ts';

/**
 * One worker of a multi-worker capacity run, in a process of its own (started by capacity-processes.ts):
 * its own app on the shared database, its clock set by the run at each round. It answers each request
 * in turn, and ends when the run closes it or goes away.
 */
const clock = { now: 0 };
let app: App | null = null;
let worker: RoundWorker | null = null;
let queue = Promise.resolve();

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.kind) {
    case 'open':
      clock.now = request.at;
      app = await createApp(loadConfig(request.env), createLogger('silent'), undefined, { now: () => new Date(clock.now), random: seeded(request.worker) });
      worker = new RoundWorker(app, clock, request.worker);
      return { kind: 'opened', worker: app.worker };
    case 'round':
      return { kind: 'report', report: await opened().round(request.at) };
    case 'drain':
      return { kind: 'report', report: await opened().drainAll() };
    case 'close':
      await app?.close();
      app = null;
      return { kind: 'closed' };
  }
}

function opened(): RoundWorker {
  if (!worker) throw new Error('capacity worker: asked for a round before it was opened');
  return worker;
}

function reply(message: WorkerReply): void {
  // Once closed, the channel to the run is let go (when the reply is out), and the process ends.
  process.send?.(message, undefined, undefined, () => {
    if (message.kind === 'closed') process.disconnect();
  });
}

process.on('message', (request: WorkerRequest) => {
  queue = queue.then(
    () => handle(request).then(reply, (error: unknown) => reply({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) })),
  );
});

// The run went away without closing this worker: its database connections go with it.
process.on('disconnect', () => {
  void queue.then(() => app?.close()).finally(() => process.exit(0));
});
