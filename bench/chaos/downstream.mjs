// The downstream service the chaos app calls: an HTTP server on loopback whose behaviour is switched
// at run time through IPC (it is started with child_process.fork by run.mjs).
//   node bench/chaos/downstream.mjs [--port N]        (standalone: stays in mode `ok`)
// Modes (message { type: 'mode', mode, ... }, answered with { type: 'ack', id, mode }):
//   ok                          200 {"ok":true} at once
//   flaky  { failPercent, seed } each call fails with probability failPercent/100, failures alternating
//                               between a 503 answer and a connection reset (RST, no answer at all)
//   slow   { delayMs }          200 after delayMs (calls that arrived while slow stay slow)
//   down                        listener closed and every open connection destroyed: connections refused
// `{ type: 'stats' }` answers { type: 'stats', id, stats } with call counts since the last mode change.
// The server exits when its parent goes away (IPC disconnect), so it never outlives the run.
import http from 'node:http';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** mulberry32: a small seeded PRNG, so a flaky run fails the same share of calls every time. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let mode = { mode: 'ok' };
let random = prng(1);
let failToggle = 0;
let stats = { calls: 0, ok: 0, status503: 0, resets: 0, slow: 0 };
const sockets = new Set();
let port = Number(arg('port', '0'));
let listening = false;

const server = http.createServer((req, res) => {
  stats.calls++;
  const m = mode;
  if (m.mode === 'flaky' && random() * 100 < m.failPercent) {
    failToggle ^= 1;
    if (failToggle) {
      stats.status503++;
      res.writeHead(503, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end('{"error":"unavailable"}');
    } else {
      stats.resets++;
      // A real RST where Node has it, a plain destroy otherwise: the client sees ECONNRESET / "other side closed".
      if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
      else req.socket.destroy();
    }
    return;
  }
  if (m.mode === 'slow') {
    stats.slow++;
    const timer = setTimeout(() => {
      stats.ok++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true,"slow":true}');
    }, m.delayMs);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  stats.ok++;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
});
server.keepAliveTimeout = 60_000;
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
});

function listen() {
  if (listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = server.address().port;
      listening = true;
      resolve();
    });
  });
}

function unlisten() {
  if (!listening) return Promise.resolve();
  listening = false;
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
}

async function setMode(msg) {
  stats = { calls: 0, ok: 0, status503: 0, resets: 0, slow: 0 };
  if (msg.mode === 'down') {
    mode = { mode: 'down' };
    await unlisten();
    return;
  }
  if (msg.mode === 'flaky') {
    random = prng(msg.seed ?? 1);
    failToggle = 0;
    mode = { mode: 'flaky', failPercent: Number(msg.failPercent ?? 30) };
  } else if (msg.mode === 'slow') {
    mode = { mode: 'slow', delayMs: Number(msg.delayMs ?? 7000) };
  } else if (msg.mode === 'ok') {
    mode = { mode: 'ok' };
  } else {
    throw new Error(`unknown mode ${msg.mode}`);
  }
  await listen();
}

process.on('message', (msg) => {
  if (msg?.type === 'mode') {
    setMode(msg).then(
      () => process.send({ type: 'ack', id: msg.id, mode: mode.mode }),
      (error) => process.send({ type: 'ack', id: msg.id, error: String(error?.message ?? error) }),
    );
  } else if (msg?.type === 'stats') {
    process.send({ type: 'stats', id: msg.id, stats: { mode: mode.mode, ...stats } });
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

await listen();
if (process.send) process.send({ type: 'ready', port });
else console.log(`READY ${port}`);
