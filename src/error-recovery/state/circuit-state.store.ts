import type { CircuitState } from '../resilience/circuit-state.js';

/**
 * Where breaker states live. The default keeps them in this process; a shared store (several app
 * instances seeing one breaker) implements the same interface. Calls are synchronous because
 * every request consults its breaker; a shared store keeps a local view and syncs in the background.
 */
export interface CircuitStateStore {
  get(name: string): CircuitState | undefined;
  set(name: string, state: CircuitState): void;
  delete(name: string): boolean;
  entries(): Iterable<[string, CircuitState]>;
  /**
   * States held, when the store can tell cheaply. While it is 0 no request consults a breaker; a
   * store without it is consulted on every request (a shared store may learn states from elsewhere).
   */
  readonly size?: number;
}

/** The default store: a Map in this process. */
export class InMemoryCircuitStateStore implements CircuitStateStore {
  private readonly states = new Map<string, CircuitState>();
  get(name: string): CircuitState | undefined {
    return this.states.get(name);
  }
  set(name: string, state: CircuitState): void {
    this.states.set(name, state);
  }
  delete(name: string): boolean {
    return this.states.delete(name);
  }
  entries(): Iterable<[string, CircuitState]> {
    return this.states.entries();
  }
  get size(): number {
    return this.states.size;
  }
}
