import type { Logger } from './log.ts';

/** One part of the bot to stop, named for the log. */
export interface StopStep {
  name: string;
  stop(): Promise<void> | void;
}

/**
 * Stops the parts in order, each after the ones before have finished (a poll still writing may queue
 * alerts, which the delivery worker then records); the parts of one group stop side by side. A part that
 * fails is logged and the others stop all the same: stopping always ends, whatever one part does.
 */
export async function shutdown(steps: readonly (StopStep | readonly StopStep[])[], log: Logger): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  const stopOne = async (step: StopStep) => {
    try {
      await step.stop();
    } catch (error) {
      failed.push(step.name);
      log.error({ err: error, step: step.name }, 'could not stop cleanly; stopping the rest');
    }
  };
  for (const step of steps) {
    if ('stop' in step) await stopOne(step);
    else await Promise.all(step.map(stopOne));
  }
  return { failed };
}
