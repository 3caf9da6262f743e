// BENCH_ALERTS=1: a webhook receiver on loopback for the with apps' alerts, counting posts by kind.
import http from 'node:http';

/** Starts the receiver, sets BENCH_ALERT_WEBHOOK for the apps, and returns the counts (live). */
export async function startAlertReceiver() {
  const posts = {};
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let kind = 'unparsable';
      try {
        kind = JSON.parse(body).kind;
      } catch {
        // counted as unparsable
      }
      posts[kind] = (posts[kind] ?? 0) + 1;
      res.end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiver.unref();
  process.env.BENCH_ALERT_WEBHOOK = `http://127.0.0.1:${receiver.address().port}/alerts`;
  return { url: process.env.BENCH_ALERT_WEBHOOK, posts };
}
