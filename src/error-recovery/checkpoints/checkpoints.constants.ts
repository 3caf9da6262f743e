import { Inject } from '@nestjs/common';

/** The active `CheckpointStore` (the layered default unless `checkpoints.store` is set). */
export const CHECKPOINT_STORE = 'ERROR_RECOVERY:CHECKPOINT_STORE';

/** Injects the active `CheckpointStore`. */
export const InjectCheckpointStore = (): PropertyDecorator & ParameterDecorator => Inject(CHECKPOINT_STORE);
