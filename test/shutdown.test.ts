import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { shutdown } from '../src/shutdown.ts';
import { testApp } from './helpers/app.ts';

describe('stopping the bot', () => {
  it('goes on to stop everything and close the database when a platform refuses to stop', async () => {
    const app = await testApp();
    const worker = app.deliveryWorker([{ platform: 'console', send: async () => 'm1' }]);
    worker.start();
    const order: string[] = [];
    const platform = (name: string, fails: boolean) => ({
      name,
      stop: async () => {
        order.push(name);
        if (fails) throw new Error(`${name} would not close its socket`);
      },
    });
    const { failed } = await shutdown(
      [
        { name: 'scheduler', stop: () => app.scheduler.stop() },
        [platform('slack', false), platform('discord', true)],
        { name: 'delivery', stop: () => worker.stop().then(() => void order.push('delivery')) },
        { name: 'database', stop: () => app.close() },
      ],
      createLogger('silent'),
    );
    expect(failed).toEqual(['discord']);
    expect(order).toEqual(['slack', 'discord', 'delivery']);
    expect(app.db.open).toBe(false);
    await app.dispose();
  });

  it('ends when a step throws before it even starts waiting', async () => {
    const stopped: string[] = [];
    const result = await shutdown(
      [
        {
          name: 'broken',
          stop: () => {
            throw new Error('not started');
          },
        },
        { name: 'last', stop: () => void stopped.push('last') },
      ],
      createLogger('silent'),
    );
    expect(result.failed).toEqual(['broken']);
    expect(stopped).toEqual(['last']);
  });
});
