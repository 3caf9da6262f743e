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

/**
 * A Kubernetes API server on loopback serving one Deployment's `scale` subresource, for tests.
 * It checks what it is sent like the real one: path, bearer token (401 Status otherwise), merge-patch
 * content type (415), a valid `spec.replicas` (422); and it keeps the replica count.
 */
export class FakeKubernetesApi {
  replicas: number;
  readonly requests: ReceivedKubernetesRequest[] = [];
  private server: http.Server | undefined;
  private port = 0;

  constructor(
    private readonly setup: { namespace: string; deployment: string; token: string; replicas: number },
  ) {
    this.replicas = setup.replicas;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get scalePath(): string {
    return `/apis/apps/v1/namespaces/${this.setup.namespace}/deployments/${this.setup.deployment}/scale`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const method = req.method ?? '';
    this.requests.push({ method, path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
    const send = (status: number, payload: object): void => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    const failure = (code: number, reason: string, message: string): void => send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
    if (req.headers.authorization !== `Bearer ${this.setup.token}`) return failure(401, 'Unauthorized', 'Unauthorized');
    if (req.url !== this.scalePath) return failure(404, 'NotFound', `deployments.apps "${this.setup.deployment}" not found`);
    if (method === 'GET') return send(200, this.scale());
    if (method !== 'PATCH') return failure(405, 'MethodNotAllowed', `${method} is not allowed`);
    if (req.headers['content-type'] !== 'application/merge-patch+json') return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format`);
    const replicas = (JSON.parse(body) as { spec?: { replicas?: unknown } }).spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) return failure(422, 'Invalid', 'spec.replicas: Invalid value');
    this.replicas = replicas;
    return send(200, this.scale());
  }

  private scale(): object {
    const { namespace, deployment } = this.setup;
    return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: deployment, namespace }, spec: { replicas: this.replicas }, status: { replicas: this.replicas } };
  }
}
