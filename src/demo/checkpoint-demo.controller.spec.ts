import 'reflect-metadata';
import { CheckpointStoreUnavailableError, type CheckpointStore } from '../error-recovery/index.js';
import { CheckpointDemoController } from './checkpoint-demo.controller.js';

/** A store whose database is down: nothing restored, every save refused. */
const downStore: CheckpointStore = {
  restore: async () => undefined,
  save: async (key) => {
    throw new CheckpointStoreUnavailableError(key, 'save', 'connect ECONNREFUSED 10.0.0.7:5432');
  },
  delete: async () => false,
};

describe('CheckpointDemoController', () => {
  it('a store that cannot save is not reported as the demo step failing: the error goes to the module filter', async () => {
    const controller = new CheckpointDemoController(downStore);
    const answer = controller.run('o-9', '3');
    await expect(answer).rejects.toBeInstanceOf(CheckpointStoreUnavailableError);
  });
});
