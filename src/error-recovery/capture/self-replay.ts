import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorLogRecord } from '../persistence/error-log.record.js';
import { readLimited } from '../strategies/fallback-answers.js';
import type { ReplayOverrides } from '../strategies/recovery-strategy.interface.js';

/** Header marking a request the module sends to its own app to replay a stored one. */
export const REPLAY_HEADER = 'x-error-recovery-replay';

/**
 * Largest answer body a manual replay reads from the app, bytes (the fallback upstream's default
 * `upstreamMaxBytes`): a route answering more fails the replay instead of filling the memory.
 */
export const REPLAY_MAX_BYTES = 1024 * 1024;

/**
 * Whether `given` is the secret, in time that does not depend on how much of it matches (`===`
 * stops at the first differing character, which a client could time to guess the token byte by
 * byte). Only the length, which is public (32 characters), can end the comparison early.
 */
export function sameSecret(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Replays a stored GET/HEAD request against the app itself, for manual recovery. Replays carry a
 * per-process secret header so that their errors are not stored again (the stored error is the
 * one being recovered), and no client can use the header to escape capture.
 */
@Injectable()
export class SelfReplay {
  private readonly token = randomBytes(24).toString('base64url');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Whether a request is one of our replays. */
  isReplay(request: { headers?: Record<string, unknown> } | undefined): boolean {
    return sameSecret(request?.headers?.[REPLAY_HEADER], this.token);
  }

  /** A replay function for a stored error, or the reason there is none. */
  forStored(row: ErrorLogRecord): { replay: (overrides?: ReplayOverrides) => Promise<unknown> } | { reason: string } {
    const method = row.method?.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return { reason: `only GET/HEAD requests are replayed (this was ${row.method ?? 'not a request'})` };
    if (!row.path) return { reason: 'no path stored' };
    const query = row.context.query;
    const params = new URLSearchParams();
    if (query && typeof query === 'object' && !Array.isArray(query)) {
      for (const [key, value] of Object.entries(query)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (v === '[Filtered]') return { reason: 'the stored query had secrets removed; it cannot be replayed faithfully' };
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params.append(key, String(v));
        }
      }
    }
    const address = this.address();
    if (!address) return { reason: 'the app is not listening on a TCP port' };
    const search = params.size ? `?${params.toString()}` : '';
    const url = `http://${address}${row.path}${search}`;
    return {
      replay: async (overrides) => {
        const response = await fetch(url, {
          method,
          headers: { [REPLAY_HEADER]: this.token, accept: 'application/json' },
          signal: AbortSignal.timeout(overrides?.timeoutMs ?? 5000),
          // The app's redirect is its answer; following it would request a host nobody configured,
          // sending it the replay secret (fetch keeps custom headers across origins).
          redirect: 'manual',
        });
        const redirected = response.status >= 300 && response.status < 400;
        if (!response.ok && !redirected) {
          await response.body?.cancel().catch(() => undefined);
          // Shaped like an outbound HTTP error, so a 503 classifies as transient and a 404 as permanent.
          throw Object.assign(new Error(`replay of ${method} ${row.path} answered ${response.status}`), { status: response.status });
        }
        const text = await readLimited(response, REPLAY_MAX_BYTES, `replay of ${method} ${row.path}: the app's answer body`);
        return (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
      },
    };
  }

  private address(): string | undefined {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as { address?: () => AddressInfo | string | null } | undefined;
    const info = server?.address?.();
    if (!info || typeof info === 'string') return undefined;
    const host = info.address === '::' || info.address === '0.0.0.0' ? '127.0.0.1' : info.family === 'IPv6' ? `[${info.address}]` : info.address;
    return `${host}:${info.port}`;
  }
}
