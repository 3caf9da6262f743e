import type { JsonValue } from '../common/safe-serialize.js';
import { messageOf } from '../common/error-text.js';
import type { ScaleRequest, ScaleResult, Scaler } from '../common/recovery-target.interface.js';
import { requestJson, type JsonResponse } from '../common/http-json.js';
import { resolveConnection, SERVICE_ACCOUNT_DIR, type KubernetesConnection } from './kubernetes-config.js';
import { baselineOf, coolingDownUntil, readScaleMemory, scalePatch } from './scale-annotations.js';
import { planScale } from './scale-plan.js';

/** Settings of a {@link KubernetesScaler}; what is left out comes from the pod's in-cluster config. */
export interface KubernetesScalerOptions {
  /** Name of this scaler in steps, history and the `scalers` parameter. */
  name: string;
  /** Deployment to scale. */
  deployment: string;
  /** Its namespace. Default: the pod's own (service account `namespace` file). */
  namespace?: string;
  /** API server. Default: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`. */
  apiUrl?: string;
  /** Bearer token. Default: the service account token, read at each request (it rotates). */
  token?: string;
  /** CA bundle (PEM) of the API server. Default: the service account `ca.crt`. */
  caFile?: string;
  /** Longest wait for each API call, ms. Default 5000. */
  timeoutMs?: number;
  /** Environment to read `KUBERNETES_SERVICE_*` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where the service account is mounted. Default `/var/run/secrets/kubernetes.io/serviceaccount`. */
  serviceAccountDir?: string;
}

/** What the scaler reads from a Deployment. */
interface DeploymentView {
  replicas?: number;
  resourceVersion?: string;
  annotations?: unknown;
}

function viewOf(body: unknown): DeploymentView {
  const d = body as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: unknown; annotations?: unknown } } | null;
  const replicas = d?.spec?.replicas;
  const version = d?.metadata?.resourceVersion;
  return {
    replicas: typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : undefined,
    resourceVersion: typeof version === 'string' && version !== '' ? version : undefined,
    annotations: d?.metadata?.annotations,
  };
}

/** The API's own explanation (a `Status` object's message), else the raw text, short. */
function explain(response: JsonResponse): string {
  const message = (response.body as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : typeof response.body === 'string' ? response.body : '';
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

/** Reads after a conflict: the Deployment also changes for reasons of its own (status, rollouts). */
const MAX_ATTEMPTS = 3;

/**
 * Scales a Deployment: reads it, asks for ceil(replicas × factor) capped at ceil(baseline ×
 * maxFactor), and PATCHes `spec.replicas` together with annotations that remember the baseline and
 * the time (`nest-error-recovery/baseline-replicas`, `…/scaled-at`, `…/scaled-to`). Every instance
 * and restart reads them back, so the cap does not ratchet and the cool-down (`request.coolDownMs`)
 * holds across instances. The patch carries the `resourceVersion` it was planned on: when another
 * instance (or anything) changed the Deployment in between, the API answers 409 and the scaler
 * reads it again and re-plans, so two racing instances do not both scale.
 * The service account needs `get` and `patch` on `deployments` (group `apps`).
 */
export class KubernetesScaler implements Scaler {
  readonly name: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: KubernetesScalerOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async scaleUp(request: ScaleRequest): Promise<ScaleResult> {
    const connection = await resolveConnection({ ...this.options, env: this.options.env ?? process.env, serviceAccountDir: this.options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR });
    if ('problem' in connection) return { kind: connection.problem, reason: connection.reason };
    const target = `deployment ${connection.namespace}/${this.options.deployment}`;
    const url = new URL(`/apis/apps/v1/namespaces/${encodeURIComponent(connection.namespace)}/deployments/${encodeURIComponent(this.options.deployment)}`, connection.apiUrl);
    const details: { [key: string]: JsonValue } = { namespace: connection.namespace, deployment: this.options.deployment, apiUrl: connection.apiUrl.origin };
    try {
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.attempt(connection, url, target, details, request);
        if (outcome !== 'conflict') return outcome;
        if (attempt >= MAX_ATTEMPTS) {
          return { kind: 'skipped', reason: `${target}: changed by someone else at each of ${MAX_ATTEMPTS} attempts (409 Conflict); not scaling on a stale size`, details };
        }
      }
    } catch (error) {
      return { kind: 'failed', reason: `Kubernetes API ${connection.apiUrl.origin}: ${messageOf(error, 300)}`, details };
    }
  }

  /** One read-plan-patch round; 'conflict' when the Deployment changed since it was read. */
  private async attempt(
    connection: KubernetesConnection,
    url: URL,
    target: string,
    details: { [key: string]: JsonValue },
    request: ScaleRequest,
  ): Promise<ScaleResult | 'conflict'> {
    const current = await this.call(connection, url, 'GET');
    if (current.status !== 200) return { kind: 'failed', reason: `reading ${target} failed: ${explain(current)}`, details: { ...details, status: current.status } };
    const deployment = viewOf(current.body);
    const from = deployment.replicas;
    if (from === undefined) return { kind: 'failed', reason: `${target} has no spec.replicas`, details };
    const memory = readScaleMemory(deployment.annotations);
    const now = request.now ?? Date.now();
    const until = coolingDownUntil(memory, now, request.coolDownMs ?? 0);
    const baseline = baselineOf(from, memory);
    if (until !== undefined) {
      const last = new Date(memory.scaledAt!).toISOString();
      return { kind: 'skipped', reason: `${target}: cooling down until ${new Date(until).toISOString()} (scaled at ${last}, by this or another instance)`, details: { ...details, from, baseline } };
    }
    const plan = planScale(from, baseline, request.factor, request.maxFactor);
    const sizes = { ...details, from, baseline, cap: plan.cap };
    if (plan.kind === 'skip') return { kind: 'skipped', reason: `${target}: ${plan.reason}`, details: sizes };
    const patched = await this.call(connection, url, 'PATCH', JSON.stringify(scalePatch(deployment.resourceVersion, baseline, plan.to, now)));
    if (patched.status === 409) return 'conflict';
    if (patched.status !== 200) return { kind: 'failed', reason: `scaling ${target} to ${plan.to} failed: ${explain(patched)}`, details: { ...sizes, status: patched.status } };
    const to = viewOf(patched.body).replicas ?? plan.to;
    return { kind: 'scaled', from, to, message: `scaled ${target} from ${from} to ${to} replicas (cap ${plan.cap})`, details: { ...sizes, to } };
  }

  private call(connection: KubernetesConnection, url: URL, method: 'GET' | 'PATCH', body?: string): Promise<JsonResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (connection.token) headers.Authorization = `Bearer ${connection.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/merge-patch+json';
    return requestJson(url, { method, headers, body, ca: connection.ca, timeoutMs: this.timeoutMs });
  }
}
