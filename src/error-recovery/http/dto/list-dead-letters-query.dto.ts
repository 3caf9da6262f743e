import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `GET /api/errors/dead-letters?service=&page=&limit=` */
export class ListDeadLettersQueryDto {
  @IsOptional() @IsString() @MaxLength(100) service?: string;
  /** 1-based. Default 1. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000) page?: number;
  /** Newest first. Default 20, at most 100. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}
