import { IsUUID } from 'class-validator';

/** `POST /api/errors/recovery/trigger` body. */
export class TriggerRecoveryDto {
  /** Id of a stored error (the `error_id` of the error response). */
  @IsUUID() error_id: string;
}
