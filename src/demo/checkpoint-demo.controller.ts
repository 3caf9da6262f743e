import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { InjectCheckpointStore, isInvalidCheckpointArgumentError, runResumable, type CheckpointStore, type ResumableStep } from '../error-recovery/index.js';

/** What one run of the demo job did. */
interface JobRunView {
  job: string;
  status: 'done' | 'failed';
  /** Steps run this time. */
  ran: string[];
  /** Steps skipped because an earlier run completed them (done runs only). */
  skipped?: string[];
  failedAt?: string;
  error?: string;
  results?: Record<string, unknown>;
}

const STEPS = ['validate', 'reserve-stock', 'charge-card', 'ship', 'notify'];

/** The failure the demo injects into a step (a dropped connection); anything else is a real fault. */
class DemoStepFailure extends Error {
  readonly code = 'ECONNRESET';
}

/**
 * A five-step order job checkpointed after each step. `failAt=N` makes step N fail the first time
 * it runs for that order (a dropped connection); running the job again resumes at step N.
 */
@Controller('demo/checkpoint')
export class CheckpointDemoController {
  /** Order and step pairs that already failed once (in this process). */
  private readonly failedOnce = new Set<string>();

  constructor(@InjectCheckpointStore() private readonly checkpoints: CheckpointStore) {}

  @Get(':order')
  async run(@Param('order') order: string, @Query('failAt') failAt = '3'): Promise<JobRunView> {
    const key = `demo:order:${order}`;
    const ran: string[] = [];
    const steps: ResumableStep[] = STEPS.map((name, index) => ({
      name,
      run: (results) => {
        ran.push(name);
        const once = `${order}:${name}`;
        if (String(index + 1) === failAt && !this.failedOnce.has(once)) {
          if (this.failedOnce.size > 10_000) this.failedOnce.clear();
          this.failedOnce.add(once);
          throw new DemoStepFailure(`read ECONNRESET (step "${name}" of order ${order})`);
        }
        return { step: index + 1, after: Object.keys(results) };
      },
    }));
    try {
      const done = await runResumable(this.checkpoints, key, steps, { ttl: 3_600_000 });
      return { job: key, status: 'done', ran: done.ran, skipped: done.skipped, results: done.results };
    } catch (error) {
      if (isInvalidCheckpointArgumentError(error)) throw new BadRequestException(error.message);
      // A store that is down is not "the step failed": the module's filter answers it, without internals.
      if (!(error instanceof DemoStepFailure)) throw error;
      return { job: key, status: 'failed', ran, failedAt: ran[ran.length - 1], error: error.message };
    }
  }

  /** The saved checkpoint of an order: the steps completed so far, or null. */
  @Get(':order/state')
  async state(@Param('order') order: string): Promise<{ job: string; checkpoint: unknown }> {
    const key = `demo:order:${order}`;
    try {
      return { job: key, checkpoint: (await this.checkpoints.restore(key)) ?? null };
    } catch (error) {
      if (isInvalidCheckpointArgumentError(error)) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
