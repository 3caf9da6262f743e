import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from '../../dead-letters/dead-letter-store.interface.js';

/** `GET /api/errors/dead-letters?status=&operation=&service=&page=&limit=` */
export class ListDeadLettersQueryDto {
  @IsOptional() @IsString() @MaxLength(100) service?: string;
  /** `pending`, `retrying`, `succeeded`, `exhausted` or `discarded`. */
  @IsOptional() @IsIn(DEAD_LETTER_STATUSES) status?: DeadLetterStatus;
  @IsOptional() @IsString() @MaxLength(500) operation?: string;
  /** 1-based. Default 1. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000) page?: number;
  /** Newest first. Default 20, at most 100. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

/** `GET /api/errors/dead-letters/stats?service=`: one app's items, or (without it) every app's in the table. */
export class DeadLetterStatsQueryDto {
  @IsOptional() @IsString() @MaxLength(100) service?: string;
}
