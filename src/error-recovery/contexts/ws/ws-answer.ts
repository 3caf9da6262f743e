import { Inject, Injectable, type ArgumentsHost } from '@nestjs/common';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ContextAnswer } from '../../capture/operation-integration.js';
import { operationSnapshot, type RequestSnapshot } from '../../capture/request-snapshot.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { emitWsException, isWsException, wsExceptionPayload, type WsCause } from './ws-exception-payload.js';

/** The `exception` event's payload for a stored error: Nest's shape, the catalogue message and the row's id. */
export interface CapturedWsExceptionPayload {
  status: 'error';
  message: string;
  error_id: string;
  cause: WsCause;
}

/** The message pattern and data of a gateway call; a host that cannot tell gives an empty pattern. */
function causeOf(host: ArgumentsHost): WsCause {
  try {
    const ws = host.switchToWs();
    const pattern: unknown = ws.getPattern();
    return { pattern: typeof pattern === 'string' ? pattern : String(pattern), data: ws.getData<unknown>() };
  } catch {
    return { pattern: '', data: undefined };
  }
}

/**
 * Answers errors of WebSocket gateways (`@SubscribeMessage` handlers and what runs around them) in
 * place of Nest's BaseWsExceptionFilter. A stored error: the `exception` event with the catalogue's
 * user-safe message and `error_id`, sent once the row's id is known. A WsException is the gateway's
 * own answer to its client (as a 4xx is over HTTP): not stored, sent exactly as Nest sends it.
 * `cause.data` is echoed as Nest echoes it: it is the client's own message.
 */
@Injectable()
export class WsAnswer implements ContextAnswer {
  readonly type = 'ws';

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly stats: ErrorRecoveryStats,
  ) {}

  /** Errors of handlers that declined capture (`@AiErrorHandler({ capture: false })`), each taken once. */
  private readonly declined = new WeakSet<object>();

  /** The gateway wrapper hands on an error its handler declined to have captured. */
  decline(error: unknown): void {
    if (typeof error === 'object' && error !== null) this.declined.add(error);
  }

  captures(_host: ArgumentsHost, exception: unknown): boolean {
    if (typeof exception === 'object' && exception !== null && this.declined.delete(exception)) return false;
    return this.options.contexts.ws && !isWsException(exception);
  }

  /** Operation: the message pattern; context: the message data, scrubbed (not kept when `capture.includeBody` is false). */
  snapshot(host: ArgumentsHost): RequestSnapshot {
    const { pattern, data } = causeOf(host);
    return operationSnapshot('ws', pattern, this.options.capture.includeBody ? { data } : {}, this.options.capture);
  }

  answer(exception: unknown, host: ArgumentsHost, captured: Promise<CapturedError | undefined>): undefined {
    const cause = causeOf(host);
    let client: unknown;
    try {
      client = host.switchToWs().getClient<unknown>();
    } catch (fault) {
      this.stats.fault('filter', fault);
      return undefined;
    }
    captured
      .then((stored) => emitWsException(client, stored ? capturedPayload(stored, cause) : wsExceptionPayload(exception, cause)))
      .catch((fault: unknown) => this.stats.fault('filter', fault));
    return undefined;
  }
}

/** What the client gets for a stored error: no internals, whatever the error said. */
export function capturedPayload(captured: CapturedError, cause: WsCause): CapturedWsExceptionPayload {
  return { status: 'error', message: captured.classification.userMessage, error_id: captured.id, cause };
}
