import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ALERT_KINDS } from '../../alerts/alert.interface.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../alerts/outbox/alert-candidate.js';

/** `GET /api/errors/alerts?status=&channel=&kind=&limit=` */
export class ListAlertsQueryDto {
  /** `pending`, `sending`, `sent`, `exhausted` or `folded`. */
  @IsOptional() @IsIn(OUTBOX_STATUSES) status?: OutboxStatus;
  /** `email`, `webhook`, `slack`, `telegram` or an app channel's name. */
  @IsOptional() @IsString() @MaxLength(40) channel?: string;
  @IsOptional() @IsIn(ALERT_KINDS) kind?: string;
  /** Newest first. Default 50, at most 500. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
