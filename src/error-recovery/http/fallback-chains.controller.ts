import { Controller, Get, NotFoundException, Param, UseGuards, type CanActivate, type Type } from '@nestjs/common';
import type { FallbackChainStats } from '../toolkit/fallback/fallback-chain-options.interface.js';
import { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';

/**
 * Builds the admin controller of the fallback chains' statistics under `prefix` (the admin API's),
 * guarded by `guard`; a factory for the same reason as `createErrorsController`.
 */
export function createFallbackChainsController(prefix: string, guard: Type<CanActivate>): Type<unknown> {
  @Controller(prefix)
  @UseGuards(guard)
  class FallbackChainsController {
    constructor(private readonly chains: FallbackChains) {}

    /** Every chain: executions, static answers, exhausted, and per tier calls, successes, failures, timeouts, skips, mean latency. */
    @Get('fallback-chains')
    list(): { items: FallbackChainStats[] } {
      return { items: this.chains.list() };
    }

    @Get('fallback-chains/:name')
    one(@Param('name') name: string): FallbackChainStats {
      if (!this.chains.has(name)) throw new NotFoundException(`No fallback chain named "${name}". List them with GET fallback-chains.`);
      return this.chains.stats(name);
    }
  }
  return FallbackChainsController;
}
