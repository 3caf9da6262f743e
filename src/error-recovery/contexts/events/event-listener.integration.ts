import { Inject, Injectable } from '@nestjs/common';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import { operationSnapshot } from '../../capture/request-snapshot.js';
import { readProp } from '../../common/safe-read.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import { resolveBackgroundRetry, type ResolvedBackgroundRetry, type ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import type { BackgroundRetryOptions } from '../../error-recovery-options.interface.js';
import { BACKGROUND_RETRY_METADATA } from '../background-retry.decorator.js';
import { BackgroundRunner } from '../background-runner.js';
import { EVENT_LISTENER_METADATA, listenedEvents } from './event-name.js';

/** One listener of one instance, as its calls need it. */
interface Listener {
  operation: string | null;
  retry: ResolvedBackgroundRetry;
}

/**
 * `@OnEvent()` listeners (`@nestjs/event-emitter`): a listener that throws or rejects is stored with
 * its event and payload, retried when `@BackgroundRetry()` asks for it (off by default), and after
 * its last failure the error goes on to the emitter, which logs it or passes it on as its
 * `suppressErrors` option says — as without the module. A listener that succeeds runs as before
 * (a synchronous one stays synchronous).
 */
@Injectable()
export class EventListenerIntegration implements OperationIntegration {
  readonly name = 'event';

  constructor(
    private readonly runner: BackgroundRunner,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  selects(_classRef: ClassRef, _methodName: string, method: OperationMethod): boolean {
    return this.options.contexts.events && Reflect.getMetadata(EVENT_LISTENER_METADATA, method) !== undefined;
  }

  handler(instance: object, _classRef: ClassRef, methodName: string): OperationHandler {
    const method = readProp(instance, methodName) as OperationMethod;
    const listener: Listener = {
      operation: listenedEvents(Reflect.getMetadata(EVENT_LISTENER_METADATA, method)),
      retry: resolveBackgroundRetry(Reflect.getMetadata(BACKGROUND_RETRY_METADATA, method) as BackgroundRetryOptions | undefined),
    };
    return (self, args, original) => {
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (error) {
        return this.failed(error, listener, () => original.apply(self, args), args);
      }
      if (typeof readProp(result, 'then') !== 'function') return result;
      return (result as Promise<unknown>).then(undefined, (error: unknown) => this.failed(error, listener, () => original.apply(self, args), args));
    };
  }

  /** The first run failed with `error`: stored, retried as asked; the last failure is rethrown. */
  private async failed(error: unknown, listener: Listener, again: () => unknown, args: unknown[]): Promise<unknown> {
    let first = true;
    const outcome = await this.runner.run(
      () => {
        if (!first) return again();
        first = false;
        throw error;
      },
      () => operationSnapshot('event', listener.operation, { payload: args.length > 1 ? args : args[0] }, this.options.capture),
      listener.retry,
    );
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }
}
