import { randomUUID } from 'node:crypto';
import type { Severity } from '../classify/classification.interface.js';
import type { CircuitEvent, DeadLetterExhaustedEvent, DeadLetterQueueHighEvent } from '../events/recovery-events.js';
import type { Alert, AlertKind } from './alert.interface.js';
import { scrubString } from '../common/scrub.js';
import { oneLine } from './templates/escape.js';

/** Service, environment and time of an event alert. */
export interface EventOrigin {
  service: string;
  environment: string;
  now: number;
}

function eventAlert(kind: AlertKind, severity: Severity, escalation: string | null, title: string, origin: EventOrigin, facts: Record<string, string>): Alert {
  return {
    id: randomUUID(),
    kind,
    severity,
    escalation,
    title,
    occurredAt: new Date(origin.now).toISOString(),
    service: origin.service,
    environment: origin.environment,
    facts,
  };
}

/** Escalation (c): a breaker opened. Its closing is the recovery notice to the same people. */
export function circuitAlert(event: CircuitEvent, origin: EventOrigin): Alert {
  const name = oneLine(event.name, 200);
  if (event.to === 'open') {
    const reopen = event.state.kind === 'open' ? new Date(event.state.reopenAt).toISOString() : '';
    return eventAlert('circuit_breaker_open', 'high', 'circuit breaker opened', `Circuit breaker opened in ${origin.service}: ${name}`, origin, {
      Breaker: name,
      Reason: event.reason,
      'Probes from': reopen,
    });
  }
  return eventAlert('circuit_breaker_closed', 'high', 'circuit breaker closed again', `Circuit breaker closed in ${origin.service}: ${name}`, origin, {
    Breaker: name,
    Reason: event.reason,
  });
}

/** Escalation (d): one strategy failed `count` times in a row. */
export function recoveryFailingAlert(strategy: string, count: number, lastMessage: string, origin: EventOrigin): Alert {
  return eventAlert(
    'recovery_failing',
    'high',
    `${strategy} failed ${count} times in a row`,
    `Recovery failing in ${origin.service}: ${strategy} failed ${count} times in a row`,
    origin,
    { Strategy: strategy, 'Failures in a row': String(count), 'Last failure': oneLine(lastMessage, 300) },
  );
}

/** A request throttle started refusing requests. */
export function rateLimitAlert(key: string, retryAfterMs: number, origin: EventOrigin): Alert {
  const name = oneLine(key, 200);
  return eventAlert('rate_limit_exceeded', 'medium', null, `Rate limit exceeded in ${origin.service}: ${name}`, origin, {
    Throttle: name,
    'Retry after': `${Math.ceil(retryAfterMs / 1000)} s`,
  });
}

/** The module could not reach its store or SMTP server at start-up. */
export function initializationFailedAlert(component: string, reason: string, origin: EventOrigin): Alert {
  return eventAlert('initialization_failed', 'critical', 'the module could not start fully', `Initialization failed in ${origin.service}: ${component} unreachable`, origin, {
    Component: component,
    // Driver messages may quote a connection string: scrubbed like everything stored.
    Reason: oneLine(scrubString(reason), 300),
  });
}

/** The error-log writer dropped captured errors (a full journal, a full queue, a shutdown deadline). */
export function errorsDroppedAlert(reason: string, count: number, origin: EventOrigin): Alert {
  return eventAlert('errors_dropped', 'critical', 'captured errors were lost', `Errors dropped in ${origin.service}: ${count} not stored (${reason})`, origin, {
    Reason: oneLine(reason, 100),
    Dropped: String(count),
    'What to do': 'see GET /api/errors/stats (writer): free disk for the journal or raise writer.journal.maxBytes, and check the error store',
  });
}

/** A dead-letter item failed every run it was allowed: the work is kept, and waits for an operator. */
export function deadLetterExhaustedAlert(event: DeadLetterExhaustedEvent, origin: EventOrigin): Alert {
  const operation = oneLine(event.operation, 200);
  return eventAlert('dead_letter_exhausted', 'high', null, `Dead letter exhausted in ${origin.service}: ${operation} failed ${event.attempts} times`, origin, {
    Item: event.id,
    Operation: operation,
    Handler: oneLine(event.handler, 200),
    Attempts: String(event.attempts),
    'Last error': oneLine(event.errorMessage, 300),
    'What to do': `fix the cause, then POST /api/errors/dead-letters/${event.id}/retry (or /discard)`,
  });
}

/** The dead-letter queue holds more items than its threshold: handlers fail or fall behind. */
export function deadLetterQueueHighAlert(event: DeadLetterQueueHighEvent, origin: EventOrigin): Alert {
  return eventAlert('dead_letter_queue_high', 'high', null, `Dead-letter queue high in ${origin.service}: ${event.current} items waiting`, origin, {
    Waiting: String(event.current),
    Threshold: String(event.threshold),
    'What to do': 'see GET /api/errors/dead-letters/stats and the last errors of the pending items',
  });
}
