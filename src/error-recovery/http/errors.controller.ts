import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseGuards,
  UsePipes,
  ValidationPipe,
  type CanActivate,
  type Type,
} from '@nestjs/common';
import { ERROR_LOG_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { isErrorLogNotFoundError } from '../errors/error-log-not-found.error.js';
import type { ErrorLogStore, ErrorSummary } from '../persistence/error-log-store.interface.js';
import { ErrorLogWriter } from '../persistence/error-log.writer.js';
import { RecoveryService, type ManualRecoveryResult } from '../recovery.service.js';
import { CircuitBreakerRegistry, type CircuitBreakerView } from '../state/circuit-breaker.registry.js';
import { RouteTimeouts } from '../state/route-timeouts.registry.js';
import { ThrottleRegistry } from '../state/throttle.registry.js';
import { BulkheadRegistry } from '../state/bulkhead.registry.js';
import { PoolSizesRegistry } from '../state/pool-sizes.registry.js';
import { RestartHistoryRegistry } from '../state/restart-history.registry.js';
import { ScaleHistory } from '../scalers/scale.history.js';
import { CacheClearHistory } from '../targets/cache-clear.history.js';
import { CacheTargets } from '../targets/cache-targets.js';
import { ScalerTargets } from '../targets/scaler-targets.js';
import { ListErrorsQueryDto } from './dto/list-errors-query.dto.js';
import { SummaryQueryDto } from './dto/summary-query.dto.js';
import { TriggerRecoveryDto } from './dto/trigger-recovery.dto.js';
import { errorLogJson, recoveryActionJson } from './error-log.json.js';
import { AlertDeliveryWorker } from '../alerts/alert-delivery.worker.js';
import { AlertQueue } from '../alerts/alert-queue.js';
import { ALERT_OUTBOX_STORE } from '../alerts/alerts.constants.js';
import type { AlertOutboxStore } from '../alerts/outbox/alert-outbox-store.interface.js';
import { outboxRowJson } from './alert-json.view.js';
import { ListAlertsQueryDto } from './dto/list-alerts-query.dto.js';
import { StorableInputPipe } from './storable-input.pipe.js';
import { DeadLetterWriter } from '../dead-letters/dead-letter.writer.js';

const HOUR_MS = 3_600_000;
/** How long a read waits for queued rows to be written, so the API shows what was just captured. */
const READ_FLUSH_MS = 1000;

/**
 * Builds the admin controller under `prefix`, guarded by `guard`. A factory, because the path of
 * a Nest controller is fixed when its class is decorated.
 */
export function createErrorsController(prefix: string, guard: Type<CanActivate>): Type<unknown> {
  @Controller(prefix)
  @UseGuards(guard)
  // Unstorable characters first: they are a 400 whatever the parameter, never a database error.
  @UsePipes(new StorableInputPipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
  class ErrorsController {
    constructor(
      @Inject(ERROR_LOG_STORE) private readonly store: ErrorLogStore,
      @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
      private readonly writer: ErrorLogWriter,
      private readonly recovery: RecoveryService,
      private readonly counters: ErrorRecoveryStats,
      private readonly breakers: CircuitBreakerRegistry,
      private readonly timeouts: RouteTimeouts,
      private readonly throttles: ThrottleRegistry,
      private readonly bulkheads: BulkheadRegistry,
      private readonly pools: PoolSizesRegistry,
      private readonly restarts: RestartHistoryRegistry,
      private readonly caches: CacheTargets,
      private readonly cacheClears: CacheClearHistory,
      private readonly scalers: ScalerTargets,
      private readonly scales: ScaleHistory,
      @Inject(ALERT_OUTBOX_STORE) private readonly outbox: AlertOutboxStore,
      private readonly alertQueue: AlertQueue,
      private readonly alertWorker: AlertDeliveryWorker,
      private readonly deadLetters: DeadLetterWriter,
    ) {}

    @Get('summary')
    async summary(@Query() query: SummaryQueryDto): Promise<ErrorSummary> {
      await this.beforeRead();
      const since = new Date(this.options.clock.now() - (query.hours ?? 24) * HOUR_MS);
      return this.store.summary({ service: query.service, since });
    }

    @Get('stats')
    stats(): Record<string, unknown> {
      return {
        captured: this.counters.captured,
        recovered: this.counters.recovered,
        internal_faults: this.counters.faults,
        writer: this.writer.stats(),
        alerts: { queue: this.alertQueue.stats(), worker: this.alertWorker.stats() },
        dead_letters: this.deadLetters.stats(),
      };
    }

    /** Recent alert deliveries (one per alert and channel), newest first, with status, attempts and last error. */
    @Get('alerts')
    async alerts(@Query() query: ListAlertsQueryDto): Promise<{ items: Record<string, unknown>[] }> {
      await this.alertQueue.flush(READ_FLUSH_MS);
      await this.outbox.connect();
      const rows = await this.outbox.list({ status: query.status, channel: query.channel, kind: query.kind, limit: query.limit ?? 50 });
      return { items: rows.map(outboxRowJson) };
    }

    /** Every shared effect recovery has put in place and that has not reverted yet. */
    @Get('recovery/effects')
    effects(): Record<string, unknown> {
      return {
        circuit_breakers: this.breakers.list(),
        timeouts: this.timeouts.list(),
        throttles: this.throttles.list(),
        bulkheads: this.bulkheads.list(),
        pools: this.pools.list(),
        restarts: this.restarts.list(),
        caches: this.caches.list(),
        cache_clears: this.cacheClears.history(),
        scalers: this.scalers.list(),
        scale_actions: this.scales.history(),
      };
    }

    @Get('circuit-breakers')
    circuitBreakers(): { items: CircuitBreakerView[] } {
      return { items: this.breakers.list() };
    }

    /** `name` is URL-encoded, e.g. `GET%20%2Forders%2F%3Aid`. */
    @Post('circuit-breakers/:name/reset')
    @HttpCode(200)
    resetCircuitBreaker(@Param('name') name: string): CircuitBreakerView {
      if (!this.breakers.reset(name)) throw new NotFoundException(`No circuit breaker named "${name}". List them with GET circuit-breakers.`);
      return this.breakers.list().find((b) => b.name === name)!;
    }

    @Post('recovery/trigger')
    @HttpCode(200)
    async trigger(@Body() body: TriggerRecoveryDto): Promise<ManualRecoveryResult> {
      try {
        return await this.recovery.triggerManualRecovery(body.error_id);
      } catch (error) {
        if (isErrorLogNotFoundError(error)) throw new NotFoundException(error.message);
        throw error;
      }
    }

    @Get()
    async list(@Query() query: ListErrorsQueryDto): Promise<Record<string, unknown>> {
      await this.beforeRead();
      const page = await this.store.list({
        service: query.service,
        severity: query.severity,
        errorType: query.error_type,
        contextType: query.context_type,
        resolved: query.resolved,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        page: query.page ?? 1,
        limit: query.limit ?? 20,
        sort: query.sort ?? 'occurred_at',
        order: query.order ?? 'desc',
      });
      return { ...page, items: page.items.map(errorLogJson) };
    }

    @Get(':id')
    async detail(@Param('id', new ParseUUIDPipe()) id: string): Promise<Record<string, unknown>> {
      await this.beforeRead();
      const found = await this.store.findById(id);
      if (!found) throw new NotFoundException(`No error with id ${id} is stored.`);
      return { ...errorLogJson(found), actions: found.actions.map(recoveryActionJson) };
    }

    @Patch(':id/resolve')
    async resolve(@Param('id', new ParseUUIDPipe()) id: string): Promise<Record<string, unknown>> {
      await this.beforeRead();
      const row = await this.store.markResolved(id, new Date(this.options.clock.now()));
      if (!row) throw new NotFoundException(`No error with id ${id} is stored.`);
      return errorLogJson(row);
    }

    private async beforeRead(): Promise<void> {
      await this.writer.flush(READ_FLUSH_MS);
      await this.writer.ready();
    }
  }
  return ErrorsController;
}
