import type { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { discoverProviders } from './discover-providers.js';

const wrapper = (name: string, instance: unknown, isStatic = true) => ({ name, instance, isDependencyTreeStatic: () => isStatic });
const hasRun = (v: unknown): v is { run(): void } => typeof (v as { run?: unknown } | null)?.run === 'function';

describe('discoverProviders', () => {
  it('keeps singletons of the right shape and warns about the others', () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
    const discovery = {
      getProviders: () => [wrapper('Good', { run() {} }), wrapper('Scoped', { run() {} }, false), wrapper('Shapeless', {})],
    } as unknown as DiscoveryService;
    const found = discoverProviders(discovery, 'KEY', hasRun, { decorator: '@Thing()', kind: 'things', needs: '"run()"' }, logger);
    expect(found.map((f) => f.name)).toEqual(['Good']);
    expect(warnings).toEqual([
      'Scoped is request-scoped; things must be singletons. It was ignored.',
      'Shapeless is marked @Thing() but has no "run()". It was ignored.',
    ]);
  });
});
