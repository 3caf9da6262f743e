import { BadRequestException, Controller, Get, Query, type OnModuleInit } from '@nestjs/common';
import { AiErrorHandler, CircuitBreakers, FallbackChains, type FallbackProvider, type FallbackResult } from '../error-recovery/index.js';
import { FAKE_MODELS, FakeModelServers, type FakeModelMode, type FakeModelName } from './fake-model.servers.js';
import { StockApiClient } from './stock-api.client.js';

const MODES: readonly FakeModelMode[] = ['up', 'down', 'slow'];

/** Routes showing the toolkit: a fallback chain of three fake models, and call breakers. */
@Controller('demo/toolkit')
export class FallbackDemoController implements OnModuleInit {
  private price = 0;

  constructor(
    private readonly models: FakeModelServers,
    private readonly chains: FallbackChains,
    private readonly breakers: CircuitBreakers,
    private readonly inventory: StockApiClient,
  ) {}

  onModuleInit(): void {
    const provider = (model: FakeModelName): FallbackProvider<string, { prompt: string }> => ({
      name: model,
      timeoutMs: 1000,
      breaker: { preset: 'ai_model', timeoutSeconds: 30 },
      call: async (input, signal) => {
        const response = await fetch(`${this.models.url(model)}/complete?prompt=${encodeURIComponent(input?.prompt ?? '')}`, { signal });
        if (!response.ok) throw Object.assign(new Error(`model ${model} answered ${response.status}`), { status: response.status });
        return ((await response.json()) as { text: string }).text;
      },
    });
    this.chains.define('demo-llm', { providers: FAKE_MODELS.map(provider), staticAnswer: 'All models are busy; here is a canned answer.' });
    this.breakers.define('demo-pricing', 'database');
  }

  /** Switches a fake model: `?model=primary&mode=down` (modes: up, down, slow). */
  @Get('models')
  switchModel(@Query('model') model?: string, @Query('mode') mode?: string): Record<FakeModelName, FakeModelMode> {
    if (model !== undefined || mode !== undefined) {
      if (!FAKE_MODELS.includes(model as FakeModelName) || !MODES.includes(mode as FakeModelMode)) throw new BadRequestException(`model is one of ${FAKE_MODELS.join(', ')}; mode one of ${MODES.join(', ')}`);
      this.models.set(model as FakeModelName, mode as FakeModelMode);
    }
    return this.models.modesNow();
  }

  /** Asks the chain: the answer names the tier and model that gave it. */
  @Get('ask')
  async ask(@Query('prompt') prompt = 'hello'): Promise<FallbackResult<string> & { stats: unknown }> {
    const answer = await this.chains.execute<string, { prompt: string }>('demo-llm', { input: { prompt } });
    return { ...answer, stats: this.chains.stats('demo-llm') };
  }

  /** A route whose own work fails: the fallback strategy answers through the chain. */
  @Get('summary')
  @AiErrorHandler({ strategies: ['fallback'], fallbackChain: 'demo-llm' })
  summary(): never {
    throw Object.assign(new Error('read ECONNRESET (summary service)'), { code: 'ECONNRESET' });
  }

  /** `breakers.execute`: `?fail=1` makes the pricing query fail; after 3 failures it fails fast (503). */
  @Get('price')
  @AiErrorHandler({ recovery: false })
  async pricing(@Query('fail') fail?: string): Promise<{ price: number; breaker: unknown }> {
    const price = await this.breakers.execute('demo-pricing', async () => {
      if (fail === '1') throw Object.assign(new Error('Connection terminated unexpectedly (demo pricing DB)'), { code: '57P01' });
      return ++this.price;
    });
    return { price, breaker: this.breakers.getStatus('demo-pricing') };
  }

  /** `@CircuitBreaker()` on a provider method: `?fail=1` fails it; after 2 failures it fails fast. */
  @Get('stock')
  @AiErrorHandler({ recovery: false })
  async stock(@Query('sku') sku = 'A1', @Query('fail') fail?: string): Promise<{ stock: unknown; apiCalls: number }> {
    const stock = await this.inventory.stock(sku, fail === '1');
    return { stock, apiCalls: this.inventory.calls };
  }
}
