import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
/** What a fresh clone holds that the build reads: no dist/, as on a clean checkout. */
const SOURCES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'ormconfig.ts', 'src', 'migrations'];

/**
 * The run-time names of the public barrel (types are not visible at run time). Each is a semver
 * promise: adding or removing one is a deliberate change to this list and to the README.
 */
const PUBLIC_RUNTIME_NAMES = [
  'AdminTokenGuard', 'AiErrorHandler', 'BackgroundRetry', 'BulkheadRejectedError', 'CircuitOpenError', 'ClearableCacheTarget',
  'DEFAULT_STRATEGY_MAP', 'DuplicateHealthCheckError', 'DuplicateStrategyError', 'EmbeddedDatabaseInProductionError', 'ErrorCaptureFilter',
  'ErrorLogEntity', 'ErrorLogNotFoundError', 'ErrorRecoveryHealthIndicator', 'ErrorRecoveryModule', 'ErrorRecoveryStats',
  'HealthService', 'InMemoryCircuitStateStore', 'InjectAlertChannels', 'InjectAlertOutboxStore', 'InjectCircuitStateStore', 'InjectDeadLetterStore',
  'InjectErrorLogStore', 'InjectErrorRecoveryOptions', 'InvalidAlertsOptionError', 'KubernetesScaler', 'PRIORITIES',
  'RecoveryActionEntity', 'RecoveryEvents', 'RecoveryService', 'RegisterHealthCheck', 'RegisterStrategy', 'RequestThrottledError',
  'RestartableTarget', 'RouteTimeoutError', 'SEVERITY_FALLBACK_PLAN', 'STRATEGY_NAMES', 'ScalerTarget', 'StaleCacheError',
  'WebhookScaler', 'classifyError', 'isBulkheadRejectedError', 'isCircuitOpenError', 'isDuplicateHealthCheckError', 'isEmbeddedDatabaseInProductionError',
  'isErrorLogNotFoundError', 'isInvalidAlertsOptionError', 'isRequestThrottledError', 'isRouteTimeoutError',
  'isStaleCacheError', 'planRecovery', 'signWebhook', 'verifyWebhookSignature', 'withRecovery',
  // The toolkit: retry policies and the transaction helper.
  'RETRY_PRESETS', 'Retry', 'RetryPolicies', 'RetryPolicy', 'UnknownRetryPresetError', 'isSerializationFailure', 'isUnknownRetryPresetError', 'runInTransaction',
  // The toolkit: checkpoints.
  'CheckpointNotSerializableError', 'CheckpointStoreUnavailableError', 'CheckpointTooLargeError', 'InjectCheckpointStore', 'InvalidCheckpointArgumentError',
  'isCheckpointNotSerializableError', 'isCheckpointStoreUnavailableError', 'isCheckpointTooLargeError', 'isInvalidCheckpointArgumentError', 'runResumable',
  // The toolkit: call breakers and fallback chains.
  'CIRCUIT_BREAKER_PRESETS', 'CallTimeoutError', 'CircuitBreaker', 'CircuitBreakers', 'FallbackChainExhaustedError', 'FallbackChains',
  'UnknownCircuitBreakerError', 'UnknownFallbackChainError', 'isCallTimeoutError', 'isFallbackChainExhaustedError',
  'isUnknownCircuitBreakerError', 'isUnknownFallbackChainError',
].sort();

/**
 * `npm pack` on a clean clone: the tarball must carry the compiled library, or an app installing it
 * gets a package with no code. Runs the real npm in a copy of the sources (node_modules linked).
 */
describe('npm pack on a clean clone', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'er-pack-'));
    for (const name of SOURCES) await cp(join(ROOT, name), join(dir, name), { recursive: true });
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds first (prepack) and ships the barrel, its types and the migrations, nothing else', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: dir, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: 'error' } });
    // Scripts may print before the JSON report.
    const [report] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { files: { path: string }[] }[];
    const files = report.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/src/error-recovery/index.js',
        'dist/src/error-recovery/index.d.ts',
        'dist/src/error-recovery/error-recovery.module.js',
        'dist/migrations/index.js',
        'dist/migrations/1763800000000-CreateErrorLogs.js',
      ]),
    );
    // The demo, the tests' helpers and the TypeScript sources stay out of the tarball.
    expect(files.filter((f) => !/^dist\/(src\/error-recovery|migrations)\//.test(f) && f !== 'package.json' && f !== 'README.md')).toEqual([]);
    expect(files.filter((f) => /\.spec(-helper)?\.|\/demo\//.test(f))).toEqual([]);
  }, 180_000);

  // Runs after the test above, whose `npm pack` built dist/ (prepack) in the clone.
  it('exports exactly the public API by the package name, and no internal module by a deep path', async () => {
    const node = (code: string): Promise<{ stdout: string }> =>
      run(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    // The package imports itself by name from its own folder (Node resolves `exports` for that).
    const { stdout } = await node("const m = await import('nest-error-recovery'); console.log(JSON.stringify(Object.keys(m).sort()));");
    expect(JSON.parse(stdout)).toEqual(PUBLIC_RUNTIME_NAMES);
    const deep = node("await import('nest-error-recovery/dist/src/error-recovery/persistence/error-log.writer.js');");
    await expect(deep).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  }, 60_000);
});
