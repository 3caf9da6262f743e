import { applyDecorators, SetMetadata, UseFilters } from '@nestjs/common';
import { AI_ERROR_HANDLER_METADATA } from '../error-recovery.constants.js';
import type { AiErrorHandlerOptions } from './ai-error-handler-options.interface.js';
import { ErrorCaptureFilter } from './error-capture.filter.js';

/**
 * Opts a controller or handler into capture and recovery, with per-route settings.
 * Needed when the module is imported with `global: false` (only such routes are then wrapped, and
 * the decorator binds the exception filter to them); with the global default it only sets options.
 *
 * @example
 * ```ts
 * @AiErrorHandler({ strategies: ['retry', 'fallback'], retry: { maxRetries: 2 } })
 * @Get(':id') find(@Param('id') id: string) { ... }
 * ```
 */
export const AiErrorHandler = (options: AiErrorHandlerOptions = {}): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(AI_ERROR_HANDLER_METADATA, options),
    UseFilters(ErrorCaptureFilter),
  );
