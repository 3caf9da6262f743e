// Load on one app and route with autocannon (no pipelining), and what came back.
import autocannon from 'autocannon';
import { rssMiB } from './machine.mjs';

/** Requests of a route: the 1,000-fingerprint route walks `?k=0..999` round robin across connections. */
function requestsOf(route) {
  if (route.fingerprints !== 1000) return undefined;
  let k = 0;
  return [
    {
      setupRequest(req) {
        req.path = `${route.path}?k=${k}`;
        k = (k + 1) % 1000;
        return req;
      },
    },
  ];
}

/**
 * Runs autocannon for `seconds` against `app` on `route`, sampling the app's RSS every 100 ms
 * (peak). `onResponse(status)` sees every answer (the storm's running count).
 */
export function cannon(app, route, seconds, connections, onResponse) {
  return new Promise((resolve, reject) => {
    let peakRss = 0;
    const sampler = setInterval(() => {
      const rss = rssMiB(app.pid);
      if (rss > peakRss) peakRss = rss;
    }, 100);
    const guard = setTimeout(() => {
      clearInterval(sampler);
      reject(new Error(`autocannon on ${app.name}${route.path} did not finish`));
    }, (seconds + 30) * 1000);
    const instance = autocannon(
      { url: `http://127.0.0.1:${app.port}${route.path}`, connections, duration: seconds, pipelining: 1, requests: requestsOf(route) },
      (error, result) => {
        clearTimeout(guard);
        clearInterval(sampler);
        if (error) reject(error);
        else resolve({ result, peakRss: Math.max(peakRss, rssMiB(app.pid)) });
      },
    );
    if (onResponse) instance.on('response', (_client, status) => onResponse(status));
  });
}

/** Answers by status, answers with an unexpected status, and transport problems. */
export function outcome(result, expectedStatus) {
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  const answered = Object.values(codes).reduce((a, c) => a + c, 0);
  const unexpected = answered - (codes[expectedStatus] ?? 0);
  const transport = result.errors + result.timeouts + result.resets + result.mismatches;
  return {
    answered,
    expected: codes[expectedStatus] ?? 0,
    serverErrors: Object.entries(codes).reduce((a, [code, c]) => a + (Number(code) >= 500 ? c : 0), 0),
    unexpected,
    transport,
    codes,
    detail: { errors: result.errors, timeouts: result.timeouts, resets: result.resets, mismatches: result.mismatches },
  };
}
