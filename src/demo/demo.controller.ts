import { Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AiErrorHandler } from '../error-recovery/index.js';
import { FlakyDependency } from './flaky.dependency.js';

/** Routes that fail on purpose, to watch capture and recovery at work. */
@Controller('demo')
export class DemoController {
  constructor(
    private readonly flaky: FlakyDependency,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Get('ok')
  ok(): { ok: true } {
    return { ok: true };
  }

  /** A bug in our own code: a TypeError inside the handler. */
  @Get('crash')
  crash(@Query('name') name?: string): { length: number } {
    const user = (name ? { name } : undefined) as { name: string } | undefined;
    return { length: user!.name.length };
  }

  /** Fails with ECONNRESET the first `failures` times for `key`, then answers. Retry recovers N ≤ 3. */
  @Get('flaky')
  flakyGet(@Query('failures') failures = '2', @Query('key') key = 'default'): Promise<{ ok: true; calls: number }> {
    return this.flaky.call(key, Number(failures));
  }

  /** The same, but POST: not replay-safe, so it is never retried. */
  @Post('flaky')
  flakyPost(@Query('failures') failures = '2', @Query('key') key = 'default'): Promise<{ ok: true; calls: number }> {
    return this.flaky.call(key, Number(failures));
  }

  /** A real failing SQL query against the demo's database (QueryFailedError). */
  @Get('db-error')
  async dbError(): Promise<unknown> {
    return this.dataSource.query('SELECT * FROM "demo_table_that_does_not_exist"');
  }

  /**
   * Answers after `ms` milliseconds (capped at 60 s). Its timeout is 1 s: beyond it, timeout_increase
   * raises it (1 → 3 → 9 s, for 5 minutes) and runs the request again.
   */
  @Get('slow')
  @AiErrorHandler({ timeoutMs: 1000 })
  async slow(@Query('ms') ms = '1000'): Promise<{ ok: true; waitedMs: number }> {
    const waitedMs = Math.min(60_000, Math.max(0, Number(ms) || 0));
    await new Promise((resolve) => setTimeout(resolve, waitedMs));
    return { ok: true, waitedMs };
  }
}
