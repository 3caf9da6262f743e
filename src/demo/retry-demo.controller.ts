import { randomUUID } from 'node:crypto';
import { Controller, Get, Query } from '@nestjs/common';
import { AiErrorHandler, RetryPolicies } from '../error-recovery/index.js';
import { FlakyDependency } from './flaky.dependency.js';

/** A call protected by a retry preset (see the README's "Retry policies"). */
@Controller('demo')
export class RetryDemoController {
  constructor(
    private readonly policies: RetryPolicies,
    private readonly dependency: FlakyDependency,
  ) {}

  /**
   * Calls a dependency that drops the connection `failures` times (default 2) through the `network`
   * preset (4 attempts, 200 ms doubling with full jitter): answers with the number of attempts it
   * took, or — after the 4th failure — the module's 503. `replaySafe: false`: the policy already
   * retried, and the route's own retry would multiply the attempts.
   */
  @Get('retry')
  @AiErrorHandler({ replaySafe: false })
  async retry(@Query('failures') failures = '2'): Promise<{ ok: true; attempts: number; policy: string }> {
    const key = `retry-${randomUUID()}`;
    const count = Math.min(10, Math.max(0, Number(failures) || 0));
    const policy = this.policies.get('network');
    let attempts = 0;
    await policy.execute(({ attempt }) => {
      attempts = attempt;
      return this.dependency.call(key, count);
    });
    return { ok: true, attempts, policy: policy.name };
  }
}
