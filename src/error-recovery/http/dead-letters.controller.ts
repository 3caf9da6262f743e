import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
  UsePipes,
  ValidationPipe,
  type CanActivate,
  type Type,
} from '@nestjs/common';
import { DeadLetterQueue, type DeadLetterQueueStats } from '../dead-letters/dead-letter-queue.service.js';
import type { DeadLetterRecord } from '../dead-letters/dead-letter-store.interface.js';
import { DeadLetterWriter } from '../dead-letters/dead-letter.writer.js';
import { DeadLetterProcessor } from '../dead-letters/dead-letter.processor.js';
import { deadLetterJson } from './dead-letter.json.js';
import { DeadLetterStatsQueryDto, ListDeadLettersQueryDto } from './dto/list-dead-letters-query.dto.js';
import { StorableInputPipe } from './storable-input.pipe.js';

/** How long a read waits for dead letters on their way to the store, so the API shows what was just kept. */
const READ_FLUSH_MS = 1000;

/**
 * Builds the admin controller of the dead-letter queue under `<prefix>/dead-letters`, guarded like
 * the errors controller. Registered before it, so that `GET <prefix>/dead-letters` is not taken for
 * an error id.
 */
export function createDeadLettersController(prefix: string, guard: Type<CanActivate>): Type<unknown> {
  @Controller(`${prefix}/dead-letters`)
  @UseGuards(guard)
  @UsePipes(new StorableInputPipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
  class DeadLettersController {
    constructor(
      private readonly queue: DeadLetterQueue,
      private readonly writer: DeadLetterWriter,
      private readonly processor: DeadLetterProcessor,
    ) {}

    /** Newest first, with status, attempts, next run and last error. */
    @Get()
    async list(@Query() query: ListDeadLettersQueryDto): Promise<Record<string, unknown>> {
      await this.writer.drain(READ_FLUSH_MS);
      const page = await this.queue.list({ service: query.service, status: query.status, operation: query.operation, page: query.page ?? 1, limit: query.limit ?? 20 });
      return { ...page, items: page.items.map(deadLetterJson) };
    }

    /** Counts from the table (every instance), with this process's writer and start-up recovery. */
    @Get('stats')
    async stats(@Query() query: DeadLetterStatsQueryDto): Promise<DeadLetterQueueStats & Record<string, unknown>> {
      const recovery = this.processor.lastRecovery();
      return { ...(await this.queue.stats(query.service)), handlers: this.queue.handlerNames(), writer: this.writer.stats(), startup_recovery: recovery ?? null };
    }

    @Get(':id')
    async detail(@Param('id', new ParseUUIDPipe()) id: string): Promise<Record<string, unknown>> {
      await this.writer.drain(READ_FLUSH_MS);
      return deadLetterJson(await this.found(id));
    }

    /** Due now, with one more run allowed. 409 when it runs, succeeded, or no handler of its name exists here. */
    @Post(':id/retry')
    @HttpCode(200)
    async retry(@Param('id', new ParseUUIDPipe()) id: string): Promise<Record<string, unknown>> {
      const item = await this.found(id);
      if (!this.queue.hasHandler(item.handler)) {
        throw new ConflictException(`No @DeadLetterHandler('${item.handler}') in this app: deploy a handler of that name, then retry.`);
      }
      const retried = await this.queue.retryNow(id);
      if (!retried) throw new ConflictException(`Dead letter ${id} is ${(await this.found(id)).status}; only pending, exhausted or discarded items can be retried.`);
      return deadLetterJson(retried);
    }

    /** `discarded`: never run again. 409 when it already succeeded. */
    @Post(':id/discard')
    @HttpCode(200)
    async discard(@Param('id', new ParseUUIDPipe()) id: string): Promise<Record<string, unknown>> {
      await this.found(id);
      const discarded = await this.queue.discard(id);
      if (!discarded) throw new ConflictException(`Dead letter ${id} already succeeded; there is nothing to discard.`);
      return deadLetterJson(discarded);
    }

    private async found(id: string): Promise<DeadLetterRecord> {
      const item = await this.queue.findById(id);
      if (!item) throw new NotFoundException(`No dead letter with id ${id}. List them with GET dead-letters.`);
      return item;
    }
  }
  return DeadLettersController;
}
