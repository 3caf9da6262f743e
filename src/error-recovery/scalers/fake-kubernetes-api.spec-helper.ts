import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake API server received. */
export interface ReceivedKubernetesRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

type MergePatch = { metadata?: { resourceVersion?: unknown; annotations?: Record<string, unknown> | null }; spec?: { replicas?: unknown } };

/**
 * A Kubernetes API server on loopback serving one Deployment and its `scale` subresource, for tests.
 * It checks what it is sent like the real one: path, bearer token (401 Status otherwise), merge-patch
 * content type (415), a valid `spec.replicas` and string annotations (422), and a `resourceVersion`
 * in the patch as a precondition (409 when the object changed since). It keeps the replica count,
 * the annotations and a resourceVersion that moves at every change.
 */
export class FakeKubernetesApi {
  replicas: number;
  annotations: Record<string, string> = {};
  resourceVersion = 1;
  readonly requests: ReceivedKubernetesRequest[] = [];
  private server: http.Server | undefined;
  private port = 0;
  private heldReads: { count: number; waiting: (() => void)[] } | undefined;

  constructor(
    private readonly setup: { namespace: string; deployment: string; token: string; replicas: number },
  ) {
    this.replicas = setup.replicas;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get deploymentPath(): string {
    return `/apis/apps/v1/namespaces/${this.setup.namespace}/deployments/${this.setup.deployment}`;
  }

  get scalePath(): string {
    return `${this.deploymentPath}/scale`;
  }

  /** Answers no GET until `count` have arrived, then all of them: racing readers all see one version. */
  holdReads(count: number): void {
    this.heldReads = { count, waiting: [] };
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.receive(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private receive(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const held = this.heldReads;
    if (req.method !== 'GET' || !held) return this.answer(req, body, res);
    held.waiting.push(() => this.answer(req, body, res));
    if (held.waiting.length < held.count) return;
    this.heldReads = undefined;
    for (const release of held.waiting) release();
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const method = req.method ?? '';
    this.requests.push({ method, path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
    const send = (status: number, payload: object): void => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    const failure = (code: number, reason: string, message: string): void => send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
    if (req.headers.authorization !== `Bearer ${this.setup.token}`) return failure(401, 'Unauthorized', 'Unauthorized');
    const object = req.url === this.deploymentPath ? 'deployment' : req.url === this.scalePath ? 'scale' : undefined;
    if (!object) return failure(404, 'NotFound', `deployments.apps "${this.setup.deployment}" not found`);
    const view = (): object => (object === 'scale' ? this.scale() : this.deployment());
    if (method === 'GET') return send(200, view());
    if (method !== 'PATCH') return failure(405, 'MethodNotAllowed', `${method} is not allowed`);
    if (req.headers['content-type'] !== 'application/merge-patch+json') return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format`);
    const patch = JSON.parse(body) as MergePatch;
    const version = patch.metadata?.resourceVersion;
    if (version !== undefined && version !== String(this.resourceVersion)) {
      return failure(409, 'Conflict', `Operation cannot be fulfilled on deployments.apps "${this.setup.deployment}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const replicas = patch.spec?.replicas;
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) return failure(422, 'Invalid', 'spec.replicas: Invalid value');
    const annotations = { ...this.annotations };
    for (const [key, value] of Object.entries(patch.metadata?.annotations ?? {})) {
      if (value === null) delete annotations[key];
      else if (typeof value !== 'string') return failure(422, 'Invalid', `metadata.annotations: Invalid value: ${key} must be a string`);
      else annotations[key] = value;
    }
    if (object === 'scale' && patch.metadata?.annotations) return failure(422, 'Invalid', 'the scale subresource has no annotations');
    this.annotations = annotations;
    if (typeof replicas === 'number') this.replicas = replicas;
    this.resourceVersion++;
    return send(200, view());
  }

  /** Someone else (an operator, a rollout) changes the Deployment. */
  resize(replicas: number): void {
    this.replicas = replicas;
    this.resourceVersion++;
  }

  private metadata(): object {
    const { namespace, deployment } = this.setup;
    return { name: deployment, namespace, resourceVersion: String(this.resourceVersion) };
  }

  private scale(): object {
    return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: this.metadata(), spec: { replicas: this.replicas }, status: { replicas: this.replicas } };
  }

  private deployment(): object {
    return {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { ...this.metadata(), annotations: { ...this.annotations } },
      spec: { replicas: this.replicas, selector: { matchLabels: { app: this.setup.deployment } } },
      status: { replicas: this.replicas },
    };
  }
}
