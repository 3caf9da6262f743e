import 'reflect-metadata';
import { installOperationWrapper, originalOperation, registerOperation, unregisterOperation } from './operation-wrapping.js';

class Base {
  greet(name: string): string {
    return `hello ${name}`;
  }
}
class Jobs extends Base {
  run(n: number): number {
    return n * 2;
  }
}
Reflect.defineMetadata('some:key', { marker: 1 }, Jobs.prototype.run);

describe('operation wrapping', () => {
  const original = Jobs.prototype.run;
  beforeAll(() => {
    expect(installOperationWrapper(Jobs.prototype, 'run')).toBe(true);
    expect(installOperationWrapper(Jobs.prototype, 'greet')).toBe(true);
  });

  it('keeps the metadata, name and length of the original and says where it came from', () => {
    expect(Reflect.getMetadata('some:key', Jobs.prototype.run)).toEqual({ marker: 1 });
    expect(Jobs.prototype.run.name).toBe('run');
    expect(Jobs.prototype.run.length).toBe(1);
    expect(originalOperation(Jobs.prototype.run)).toBe(original);
  });

  it('is idempotent: a second app of the process finds the wrapper in place', () => {
    expect(installOperationWrapper(Jobs.prototype, 'run')).toBe(false);
    expect(originalOperation(Jobs.prototype.run)).toBe(original);
  });

  it('wraps an inherited method where it is declared', () => {
    expect(Object.prototype.hasOwnProperty.call(Jobs.prototype, 'greet')).toBe(false);
    expect(originalOperation(Base.prototype.greet)).toBeDefined();
  });

  it('dispatches per instance: a registered instance runs its handler, any other the original', () => {
    const ours = new Jobs();
    const theirs = new Jobs();
    const seen: unknown[][] = [];
    registerOperation(ours, 'run', (self, args, run) => {
      seen.push(args);
      return (run.apply(self, args) as number) + 1;
    });
    expect(ours.run(2)).toBe(5);
    expect(theirs.run(2)).toBe(4);
    expect(seen).toEqual([[2]]);
    unregisterOperation(ours, 'run');
    expect(ours.run(2)).toBe(4);
  });

  it('runs the original for a call without an object `this`', () => {
    const run = Jobs.prototype.run as (n: number) => number;
    expect(run.call(undefined, 3)).toBe(6);
  });
});
