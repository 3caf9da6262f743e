// Shared by the bench apps (bench/app.mjs, bench/chaos/app.mjs).

/**
 * Closes `app` on SIGTERM / SIGINT and exits. Bounded by `graceMs`, so the runner is never left
 * waiting on an app whose close hangs (the module's writer waits up to 5 s for its own drain).
 * Returns the shutdown function, for other triggers (the runner's stdin pipe closing).
 */
export function closeOnSignals(app, graceMs) {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), graceMs).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return shutdown;
}
