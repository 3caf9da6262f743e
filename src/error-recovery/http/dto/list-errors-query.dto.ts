import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SEVERITIES, type Severity } from '../../classify/classification.interface.js';
import { CONTEXT_TYPES, type ContextType } from '../../common/context-type.js';
import { ERROR_LOG_SORT_FIELDS, type ErrorLogSortField } from '../../persistence/error-log-store.interface.js';

/** `GET /api/errors` filters, paging and sorting. */
export class ListErrorsQueryDto {
  @IsOptional() @IsString() @MaxLength(100) service?: string;
  @IsOptional() @IsIn(SEVERITIES) severity?: Severity;
  @IsOptional() @IsString() @MaxLength(100) error_type?: string;
  /** Where the errors happened: http, graphql, rpc, ws, job, queue, event, process. */
  @IsOptional() @IsIn(CONTEXT_TYPES) context_type?: ContextType;
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  resolved?: boolean;
  /** ISO 8601; inclusive. */
  @IsOptional() @IsISO8601() since?: string;
  /** ISO 8601; exclusive. */
  @IsOptional() @IsISO8601() until?: string;
  /** 1-based. Default 1. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000) page?: number;
  /** Default 20, at most 100. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  /** One of occurred_at, severity, error_type, http_status, service. Default occurred_at. */
  @IsOptional() @IsIn(ERROR_LOG_SORT_FIELDS) sort?: ErrorLogSortField;
  /** Default desc. */
  @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}
