import type { RequestSnapshot } from '../../capture/request-snapshot.js';
import { resolveOptions } from '../../error-recovery-options.js';
import type { ErrorPipeline } from '../../error-pipeline.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { BULLMQ_PROCESSOR_METADATA, QueueIntegration } from './queue.integration.js';

class Orders {
  process(): void {}
}
Reflect.defineMetadata(BULLMQ_PROCESSOR_METADATA, { name: 'orders' }, Orders);

/** A pipeline that records what it was asked to store. */
function recordingPipeline(): { pipeline: ErrorPipeline; stored: { error: unknown; snapshot: RequestSnapshot }[] } {
  const stored: { error: unknown; snapshot: RequestSnapshot }[] = [];
  const pipeline = {
    shouldCapture: () => true,
    capture: (error: unknown, snapshot: RequestSnapshot) => {
      stored.push({ error, snapshot });
      return Promise.resolve({ id: 'e1' });
    },
  } as unknown as ErrorPipeline;
  return { pipeline, stored };
}

const integration = (pipeline: ErrorPipeline, queues = true): QueueIntegration =>
  new QueueIntegration(pipeline, new ErrorRecoveryStats(), resolveOptions({ service: 's', contexts: { queues } }, {}));

const job = { id: '3', name: 'charge', attemptsMade: 0, opts: { attempts: 2 }, data: { token: 'hunter2' }, queueName: 'orders' };

describe('QueueIntegration', () => {
  it("selects the process method of @Processor() classes, and nothing when contexts.queues is false", () => {
    const { pipeline } = recordingPipeline();
    expect(integration(pipeline).selects(Orders, 'process')).toBe(true);
    expect(integration(pipeline).selects(Orders, 'other')).toBe(false);
    expect(integration(pipeline).selects(class {}, 'process')).toBe(false);
    expect(integration(pipeline, false).selects(Orders, 'process')).toBe(false);
  });

  it('hands back the very error, thrown or rejected, after queuing its capture with the job', async () => {
    const { pipeline, stored } = recordingPipeline();
    const handler = integration(pipeline).handler(new Orders(), Orders);
    const error = new Error('refused');
    const self = new Orders();
    expect(() => handler(self, [job], () => { throw error; })).toThrow(error);
    await expect(handler(self, [job], () => Promise.reject(error))).rejects.toBe(error);
    expect(stored).toHaveLength(2);
    expect(stored[0].error).toBe(error);
    expect(stored[0].snapshot).toMatchObject({ contextType: 'queue', operation: 'orders', context: { jobId: '3', attempt: 1, attempts: 2, data: { token: '[Filtered]' } } });
  });

  it('returns a success as is: the same value, synchronous or not, nothing stored', async () => {
    const { pipeline, stored } = recordingPipeline();
    const handler = integration(pipeline).handler(new Orders(), Orders);
    const value = { ok: true };
    expect(handler(new Orders(), [job], () => value)).toBe(value);
    await expect(handler(new Orders(), [job], () => Promise.resolve(value))).resolves.toBe(value);
    expect(stored).toEqual([]);
  });

  it('leaves the moves of a job (a DelayedError) unstored', () => {
    const { pipeline, stored } = recordingPipeline();
    const moved = Object.assign(new Error('bullmq:movedToDelayed'), { name: 'DelayedError' });
    expect(() => integration(pipeline).handler(new Orders(), Orders)(new Orders(), [job], () => { throw moved; })).toThrow(moved);
    expect(stored).toEqual([]);
  });
});
