import type { JsonValue } from '../capture/safe-serialize.js';
import { messageOf } from '../classify/error-text.js';
import type { ScaleRequest, ScaleResult, Scaler } from '../strategies/strategy-parameters.interface.js';
import { requestJson, type JsonResponse } from './http-json.js';
import { resolveConnection, SERVICE_ACCOUNT_DIR, type KubernetesConnection } from './kubernetes-config.js';
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

const describe = (error: unknown): string => messageOf(error, 300);

/** `spec.replicas` of a Scale object, when it is one. */
function replicasOf(body: unknown): number | undefined {
  const replicas = (body as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  return typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : undefined;
}

/** The API's own explanation (a `Status` object's message), else the raw text, short. */
function explain(response: JsonResponse): string {
  const message = (response.body as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : typeof response.body === 'string' ? response.body : '';
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

/**
 * Scales a Deployment through its `scale` subresource: reads `spec.replicas`, asks for
 * ceil(replicas × factor) capped at ceil(first seen × maxFactor), and PATCHes it (merge patch).
 * The service account needs `get` and `patch` on `deployments/scale`.
 */
export class KubernetesScaler implements Scaler {
  readonly name: string;
  private readonly timeoutMs: number;
  /** The size before this process first scaled it: the base of the `maxFactor` cap. */
  private firstSeenReplicas: number | undefined;

  constructor(private readonly options: KubernetesScalerOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async scaleUp(request: ScaleRequest): Promise<ScaleResult> {
    const connection = await resolveConnection({ ...this.options, env: this.options.env ?? process.env, serviceAccountDir: this.options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR });
    if ('problem' in connection) return { kind: connection.problem, reason: connection.reason };
    const target = `deployment ${connection.namespace}/${this.options.deployment}`;
    const url = new URL(`/apis/apps/v1/namespaces/${encodeURIComponent(connection.namespace)}/deployments/${encodeURIComponent(this.options.deployment)}/scale`, connection.apiUrl);
    const details: { [key: string]: JsonValue } = { namespace: connection.namespace, deployment: this.options.deployment, apiUrl: connection.apiUrl.origin };
    try {
      const current = await this.call(connection, url, 'GET');
      const from = replicasOf(current.body);
      if (current.status !== 200) return { kind: 'failed', reason: `reading the scale of ${target} failed: ${explain(current)}`, details: { ...details, status: current.status } };
      if (from === undefined) return { kind: 'failed', reason: `the scale of ${target} has no spec.replicas`, details };
      this.firstSeenReplicas ??= from;
      const plan = planScale(from, this.firstSeenReplicas, request.factor, request.maxFactor);
      const sizes = { ...details, from, firstSeen: this.firstSeenReplicas, cap: plan.cap };
      if (plan.kind === 'skip') return { kind: 'skipped', reason: `${target}: ${plan.reason}`, details: sizes };
      const patched = await this.call(connection, url, 'PATCH', JSON.stringify({ spec: { replicas: plan.to } }));
      if (patched.status !== 200) return { kind: 'failed', reason: `scaling ${target} to ${plan.to} failed: ${explain(patched)}`, details: { ...sizes, status: patched.status } };
      const to = replicasOf(patched.body) ?? plan.to;
      return { kind: 'scaled', from, to, message: `scaled ${target} from ${from} to ${to} replicas (cap ${plan.cap})`, details: { ...sizes, to } };
    } catch (error) {
      return { kind: 'failed', reason: `Kubernetes API ${connection.apiUrl.origin}: ${describe(error)}`, details };
    }
  }

  private call(connection: KubernetesConnection, url: URL, method: 'GET' | 'PATCH', body?: string): Promise<JsonResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (connection.token) headers.Authorization = `Bearer ${connection.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/merge-patch+json';
    return requestJson(url, { method, headers, body, ca: connection.ca, timeoutMs: this.timeoutMs });
  }
}
