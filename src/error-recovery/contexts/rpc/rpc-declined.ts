import { catchError, isObservable, throwError } from 'rxjs';
import type { OperationHandler } from '../../capture/operation-wrapping.js';
import { isThenable } from '../../common/safe-read.js';
import type { EventArguments } from './rpc-event-arguments.js';
import type { RpcAnswer } from './rpc.answer.js';


/**
 * The calls of a handler marked `@AiErrorHandler({ capture: false })`: run as plain Nest runs them
 * (no capture, no retry, no dead letter), each error handed on as it came and marked for the filter,
 * which then answers it without storing it. Only the arguments the module declared are cut off.
 */
export function decliningHandler(answer: RpcAnswer, layout: EventArguments): OperationHandler {
  const decline = (error: unknown): void => answer.decline(error);
  return (self, args, original) => {
    if (layout.added) args.length = layout.declared;
    let value: unknown;
    try {
      value = original.apply(self, args);
    } catch (error) {
      decline(error);
      throw error;
    }
    if (isObservable(value)) return value.pipe(catchError((error: unknown) => (decline(error), throwError(() => error))));
    if (!isThenable(value)) return value;
    return Promise.resolve(value).then(undefined, (error: unknown) => {
      decline(error);
      throw error;
    });
  };
}
