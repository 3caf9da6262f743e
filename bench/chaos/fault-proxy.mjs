// A TCP fault proxy on loopback in front of a real server (the module's PostgreSQL), forked by run.mjs.
//   fork('fault-proxy.mjs', ['--target-port', '5432'])  → { type: 'ready', port }
// Modes (message { type: 'mode', mode, id }, answered with { type: 'ack', id, mode }):
//   pass       bytes flow both ways
//   blackhole  connections are accepted but nothing is forwarded either way (open ones too): the
//              client waits until its own timeout, as behind a dropped route or a hung server
//   refuse     listener closed, open connections destroyed: ECONNREFUSED, like a stopped server
//   reset      every connection, open or new, is reset (RST)
// Each ack carries `previousConnections`: connections accepted during the mode just left (none can
// be counted while refusing).
// Leaving blackhole destroys the connections that were blackholed: bytes were lost, their protocol
// state is broken (as after a partition that ended in a TCP timeout).
// Follows the same idea as test/support/tcp-proxy.ts, with more fault modes; exits with its parent.
import net from 'node:net';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const targetHost = arg('target-host', '127.0.0.1');
const targetPort = Number(arg('target-port', '5432'));
let port = Number(arg('port', '0'));
let mode = 'pass';
/** Open client↔upstream pairs. */
const pairs = new Set();
let server;
/** Connections accepted since the last mode change (answered as `previousConnections`). */
let connections = 0;

function reset(socket) {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function swallow(pair) {
  pair.client.unpipe(pair.upstream);
  pair.upstream.unpipe(pair.client);
  pair.blackholed = true;
  // Keep reading, so neither side sees back-pressure close, and drop everything.
  for (const s of [pair.client, pair.upstream]) {
    s.removeAllListeners('data');
    s.on('data', () => undefined);
    s.resume();
  }
}

function onConnection(client) {
  connections++;
  client.on('error', () => client.destroy());
  if (mode === 'reset') return reset(client);
  if (mode === 'blackhole') {
    const pair = { client, upstream: new net.Socket(), blackholed: true };
    pairs.add(pair);
    client.on('data', () => undefined);
    client.on('close', () => pairs.delete(pair));
    return;
  }
  const upstream = net.connect(targetPort, targetHost);
  const pair = { client, upstream, blackholed: false };
  pairs.add(pair);
  upstream.on('error', () => upstream.destroy());
  const end = () => {
    pairs.delete(pair);
    client.destroy();
    upstream.destroy();
  };
  client.on('close', end);
  upstream.on('close', end);
  client.pipe(upstream);
  upstream.pipe(client);
}

function listen() {
  if (server) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = net.createServer(onConnection);
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      s.off('error', reject);
      port = s.address().port;
      server = s;
      resolve();
    });
  });
}

function unlisten() {
  const s = server;
  server = undefined;
  return s ? new Promise((resolve) => s.close(() => resolve())) : Promise.resolve();
}

async function setMode(next) {
  if (!['pass', 'blackhole', 'refuse', 'reset'].includes(next)) throw new Error(`unknown mode ${next}`);
  const previous = mode;
  mode = next;
  if (previous === 'blackhole' && next !== 'blackhole') {
    for (const pair of [...pairs]) if (pair.blackholed) {
      pair.client.destroy();
      pair.upstream.destroy();
      pairs.delete(pair);
    }
  }
  if (next === 'refuse') {
    const closing = unlisten();
    for (const pair of [...pairs]) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    pairs.clear();
    await closing;
    return;
  }
  if (next === 'reset') {
    for (const pair of [...pairs]) {
      reset(pair.client);
      pair.upstream.destroy();
    }
    pairs.clear();
  }
  if (next === 'blackhole') for (const pair of pairs) swallow(pair);
  await listen();
}

process.on('message', (msg) => {
  if (msg?.type !== 'mode') return;
  const previousConnections = connections;
  connections = 0;
  setMode(msg.mode).then(
    () => process.send({ type: 'ack', id: msg.id, mode, previousConnections }),
    (error) => process.send({ type: 'ack', id: msg.id, error: String(error?.message ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

await listen();
if (process.send) process.send({ type: 'ready', port });
else console.log(`READY ${port}`);
