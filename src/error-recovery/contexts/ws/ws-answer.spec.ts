import { Logger, type ArgumentsHost } from '@nestjs/common';
import type { CapturedError } from '../../capture/captured-errors.js';
import { resolveOptions } from '../../error-recovery-options.js';
import type { ErrorRecoveryModuleOptions } from '../../error-recovery-options.interface.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { transientConnection } from '../../execute/recovery-test-context.spec-helper.js';
import { NOT_ATTEMPTED } from '../../execute/recovery-report.js';
import { WsAnswer } from './ws-answer.js';

/** Stands in for @nestjs/websockets' WsException (same class name, as the module recognises it). */
class WsException extends Error {
  constructor(private readonly error: unknown) {
    super(typeof error === 'string' ? error : 'Ws Exception');
  }

  getError(): unknown {
    return this.error;
  }
}

/** A Socket.IO-style client: it has `emit`, no `readyState`. */
class SocketIoClient {
  readonly emitted: [string, unknown][] = [];
  emit(event: string, data: unknown): void {
    this.emitted.push([event, data]);
  }
}

function wsHost(client: unknown, pattern: string, data: unknown): ArgumentsHost {
  return {
    getType: () => 'ws',
    switchToWs: () => ({ getClient: () => client, getData: () => data, getPattern: () => pattern }),
  } as unknown as ArgumentsHost;
}

const stored: CapturedError = { id: 'a3c4e0c2-0000-4000-8000-000000000001', classification: transientConnection, report: NOT_ATTEMPTED };

function answerOf(options: ErrorRecoveryModuleOptions = {}): { answer: WsAnswer; stats: ErrorRecoveryStats } {
  const stats = new ErrorRecoveryStats();
  return { answer: new WsAnswer(resolveOptions(options, {}), stats), stats };
}

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WsAnswer', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('emits the stored error with its id and the catalogue message to a Socket.IO-style client, once the capture settled', async () => {
    const { answer } = answerOf();
    const client = new SocketIoClient();
    let settle!: (c: CapturedError) => void;
    answer.answer(new Error('db password=hunter2'), wsHost(client, 'orders', { id: 1 }), new Promise((resolve) => (settle = resolve)));
    await settled();
    expect(client.emitted).toEqual([]);
    settle(stored);
    await settled();
    expect(client.emitted).toEqual([
      ['exception', { status: 'error', message: transientConnection.userMessage, error_id: stored.id, cause: { pattern: 'orders', data: { id: 1 } } }],
    ]);
  });

  it('sends what Nest sends when the error was not stored', async () => {
    const { answer } = answerOf();
    const client = new SocketIoClient();
    answer.answer(new WsException('Not allowed'), wsHost(client, 'orders', 'x'), Promise.resolve(undefined));
    await settled();
    expect(client.emitted).toEqual([['exception', { status: 'error', message: 'Not allowed', cause: { pattern: 'orders', data: 'x' } }]]);
  });

  it('stores no WsException, and nothing at all when the ws context is off', () => {
    const host = wsHost(new SocketIoClient(), 'orders', 'x');
    expect(answerOf().answer.captures(host, new WsException('Not allowed'))).toBe(false);
    expect(answerOf().answer.captures(host, new Error('boom'))).toBe(true);
    expect(answerOf({ contexts: { ws: false } }).answer.captures(host, new Error('boom'))).toBe(false);
  });

  it('snapshots the pattern as the operation and the data scrubbed; without the data when bodies are not kept', () => {
    const host = wsHost(new SocketIoClient(), 'login', { user: 'ann', password: 'hunter2' });
    expect(answerOf().answer.snapshot(host)).toMatchObject({ contextType: 'ws', operation: 'login', context: { data: { user: 'ann', password: '[Filtered]' } } });
    expect(answerOf({ capture: { includeBody: false } }).answer.snapshot(host).context).toEqual({});
  });

  it('never throws on a host that cannot be read; the fault is counted', () => {
    const { answer, stats } = answerOf();
    const broken = { switchToWs: () => { throw new Error('no ws'); } } as unknown as ArgumentsHost;
    expect(answer.snapshot(broken)).toMatchObject({ contextType: 'ws', operation: '' });
    expect(answer.answer(new Error('x'), broken, Promise.resolve(stored))).toBeUndefined();
    expect(stats.faults.filter).toBe(1);
  });
});
