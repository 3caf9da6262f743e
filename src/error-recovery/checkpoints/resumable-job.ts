import { InvalidCheckpointArgumentError } from '../errors/invalid-checkpoint-argument.error.js';
import type { CheckpointStore, SaveCheckpointOptions } from './checkpoint-store.interface.js';

/** One named step of a resumable job. */
export interface ResumableStep {
  /** Unique within the job; a completed step is recognised by it when the job runs again. */
  name: string;
  /**
   * Does the step's work. Gets the results of the steps completed so far (this run's and the saved
   * ones) by name. What it returns is saved with the checkpoint, so it must be plain JSON data.
   */
  run(results: Readonly<Record<string, unknown>>): unknown;
}

/** What one run of a resumable job did. */
export interface ResumableRun {
  /** Steps run this time, in order. */
  ran: string[];
  /** Steps skipped because an earlier run completed them. */
  skipped: string[];
  /** Every step's result by name (undefined results are kept as null). */
  results: Record<string, unknown>;
}

/** The checkpoint of a resumable job. */
interface JobCheckpoint {
  completed: string[];
  results: Record<string, unknown>;
}

const isJobCheckpoint = (v: unknown): v is JobCheckpoint =>
  typeof v === 'object' && v !== null && Array.isArray((v as JobCheckpoint).completed) && typeof (v as JobCheckpoint).results === 'object';

/**
 * Runs `steps` in order, saving a checkpoint under `key` after each; steps an earlier run completed
 * are skipped. When a step throws, the checkpoint keeps the steps before it and the error is
 * rethrown: run the job again with the same key to resume at that step. When every step is done the
 * checkpoint is deleted. A step may run twice if the process dies between its end and its save, so
 * steps should be idempotent.
 *
 * @example
 * ```ts
 * await runResumable(checkpoints, `import:${fileId}`, [
 *   { name: 'download', run: () => download(fileId) },
 *   { name: 'parse', run: (r) => parse(r.download as string) },
 *   { name: 'store', run: (r) => store(r.parse as Row[]) },
 * ], { ttl: 3_600_000 });
 * ```
 */
export async function runResumable(store: CheckpointStore, key: string, steps: readonly ResumableStep[], options: SaveCheckpointOptions = {}): Promise<ResumableRun> {
  const names = new Set<string>();
  for (const step of steps) {
    if (names.has(step.name)) throw new InvalidCheckpointArgumentError('steps', `two steps are named "${step.name}"; step names must be unique`);
    names.add(step.name);
  }
  const saved = await store.restore(key);
  if (saved !== undefined && !isJobCheckpoint(saved)) {
    throw new InvalidCheckpointArgumentError('key', `"${key}" holds a checkpoint that is not a resumable job's; use a key of its own`);
  }
  const state: JobCheckpoint = { completed: [...(saved?.completed ?? [])], results: { ...saved?.results } };
  const run: ResumableRun = { ran: [], skipped: [], results: state.results };
  for (const step of steps) {
    if (state.completed.includes(step.name)) {
      run.skipped.push(step.name);
      continue;
    }
    const result = await step.run(state.results);
    state.results[step.name] = result === undefined ? null : result;
    state.completed.push(step.name);
    run.ran.push(step.name);
    await store.save(key, state, options);
  }
  await store.delete(key);
  return run;
}
