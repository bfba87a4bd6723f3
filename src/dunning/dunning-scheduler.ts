import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { DunningService } from './dunning-service.js';
import type { DunningPolicy } from './policy.js';

// The cron schedule. Every instance schedules it; the fire key (task + fire minute) in the database
// lets exactly one of them run each tick, and only the holder of the jobs lease fires at all.

/** The tick's identity: the task and its fire time to the second (the same in every process). */
export function fireKeyOf(date: Date): string {
  return `cron:dunning:${new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString()}`;
}

export function createDunningScheduler(deps: { service: DunningService; policy: DunningPolicy; logger: Logger; mayRun?: () => boolean }) {
  const { service, policy, logger } = deps;
  let task: ScheduledTask | null = null;

  async function tick(date: Date): Promise<void> {
    if (deps.mayRun && !deps.mayRun()) return;
    try {
      await service.fire(fireKeyOf(date));
    } catch (error) {
      logger.error({ err: error }, 'dunning run failed');
    }
  }

  return {
    tick,
    start(): void {
      task = createTask(policy.schedule.cron, (ctx) => tick(ctx.date), { name: 'dunning', timezone: policy.schedule.timezone, noOverlap: true });
      void task.start();
      // A run a crash left half planned is finished now rather than at the next tick.
      if (!deps.mayRun || deps.mayRun()) void service.resumeInterrupted().catch((err: unknown) => logger.error({ err }, 'dunning resume failed'));
    },
    async stop(): Promise<void> {
      if (task) await task.destroy();
      task = null;
    },
    nextRun: (): Date | null => task?.getNextRun() ?? null,
  };
}
