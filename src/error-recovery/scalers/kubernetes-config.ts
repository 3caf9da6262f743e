import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where Kubernetes mounts a pod's service account. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach the API server, resolved for one request. */
export interface KubernetesConnection {
  apiUrl: URL;
  /** Bearer token; absent for an API that needs none (e.g. `kubectl proxy`). */
  token?: string;
  namespace: string;
  ca?: Buffer;
}

/** What the app configured; anything missing comes from the pod's in-cluster config. */
export interface KubernetesConnectionOptions {
  apiUrl?: string;
  token?: string;
  namespace?: string;
  caFile?: string;
  env: NodeJS.ProcessEnv;
  serviceAccountDir: string;
}

const readOptional = async (path: string): Promise<Buffer | undefined> => {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
};

/** The in-cluster API URL from the variables every pod gets, or undefined outside a cluster. */
function inClusterUrl(env: NodeJS.ProcessEnv): string | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return undefined;
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Why there is no connection: `skipped` outside a cluster with no apiUrl, `failed` when misconfigured. */
export interface ConnectionProblem {
  problem: 'skipped' | 'failed';
  reason: string;
}

/**
 * Resolves the connection for one request. The token file is read every time because
 * projected service account tokens are rotated by the kubelet (about hourly).
 */
export async function resolveConnection(options: KubernetesConnectionOptions): Promise<KubernetesConnection | ConnectionProblem> {
  const url = options.apiUrl ?? inClusterUrl(options.env);
  if (!url) return { problem: 'skipped', reason: 'no Kubernetes API: set apiUrl or run in a cluster (KUBERNETES_SERVICE_HOST unset)' };
  const dir = options.serviceAccountDir;
  const token = options.token ?? (await readOptional(join(dir, 'token')))?.toString('utf8').trim();
  if (!token && !options.apiUrl) return { problem: 'failed', reason: `no service account token at ${join(dir, 'token')}` };
  const namespace = options.namespace ?? (await readOptional(join(dir, 'namespace')))?.toString('utf8').trim();
  if (!namespace) return { problem: 'failed', reason: `no namespace: set namespace or mount ${join(dir, 'namespace')}` };
  const ca = await readOptional(options.caFile ?? join(dir, 'ca.crt'));
  if (options.caFile && !ca) return { problem: 'failed', reason: `cannot read caFile ${options.caFile}` };
  return { apiUrl: new URL(url), token: token || undefined, namespace, ca };
}
