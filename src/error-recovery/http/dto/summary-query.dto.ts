import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `GET /api/errors/summary?service=&hours=` */
export class SummaryQueryDto {
  /** Only errors of this service. Default: all services. */
  @IsOptional() @IsString() @MaxLength(100) service?: string;
  /** Window, hours back from now. Default 24, at most 8760 (a year). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(8760) hours?: number;
}
