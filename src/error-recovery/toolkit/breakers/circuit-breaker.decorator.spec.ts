import 'reflect-metadata';
import { isCircuitOpenError } from '../../errors/circuit-open.error.js';
import { bindCircuitBreakers, CIRCUIT_BREAKER_METHODS, CircuitBreaker } from './circuit-breaker.decorator.js';
import { breakersSetup } from './breakers.spec-helper.js';

const mark = (value: string): MethodDecorator => (_t, _k, d) => {
  Reflect.defineMetadata('test:mark', value, d.value as object);
  return d;
};
const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

class Models {
  calls = 0;

  @CircuitBreaker({ name: 'model', failureThreshold: 2 })
  @mark('inner')
  async complete(fail: boolean): Promise<string> {
    this.calls++;
    if (fail) throw reset();
    return 'done';
  }

  @mark('outer')
  @CircuitBreaker('sync-calc')
  add(a: number, b: number): number {
    this.calls++;
    if (a < 0) throw reset();
    return a + b;
  }
}

describe('@CircuitBreaker()', () => {
  function bound() {
    const { breakers } = breakersSetup();
    const declared = Reflect.getMetadata(CIRCUIT_BREAKER_METHODS, Models) as { name: string; options?: object }[];
    for (const d of declared) breakers.define(d.name, d.options);
    const models = new Models();
    bindCircuitBreakers(models, breakers);
    return { models, breakers };
  }

  it('declares its breakers on the class and keeps the metadata of other decorators, whatever the order', () => {
    expect((Reflect.getMetadata(CIRCUIT_BREAKER_METHODS, Models) as { name: string }[]).map((d) => d.name)).toEqual(['model', 'sync-calc']);
    expect(Reflect.getMetadata('test:mark', Models.prototype.complete)).toBe('inner');
    expect(Reflect.getMetadata('test:mark', Models.prototype.add)).toBe('outer');
    expect(Models.prototype.complete.name).toBe('complete');
  });

  it('guards an async method: opens after its threshold and refuses without running it', async () => {
    const { models, breakers } = bound();
    await expect(models.complete(false)).resolves.toBe('done');
    await expect(models.complete(true)).rejects.toThrow('ECONNRESET');
    await expect(models.complete(true)).rejects.toThrow('ECONNRESET');
    const refused = await models.complete(false).catch((e: unknown) => e);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(models.calls).toBe(3);
    expect(breakers.getStatus('model').counts).toMatchObject({ successes: 1, failures: 2, rejected: 1 });
  });

  it('keeps a sync method sync, with the module policy when declared by name', () => {
    const { models, breakers } = bound();
    expect(models.add(1, 2)).toBe(3);
    for (let i = 0; i < 5; i++) expect(() => models.add(-1, 0)).toThrow('ECONNRESET');
    expect(() => models.add(1, 2)).toThrow(/is open/);
    expect(breakers.getStatus('sync-calc').policy.failureThreshold).toBe(5);
  });

  it('an instance the module did not discover runs its methods unguarded', async () => {
    const loose = new Models();
    for (let i = 0; i < 4; i++) await expect(loose.complete(true)).rejects.toThrow('ECONNRESET');
    await expect(loose.complete(false)).resolves.toBe('done');
  });
});
