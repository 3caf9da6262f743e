import { DATABASE_URL } from './support/database.js';
import { adapterName } from './support/app.js';
import { startDemoServer, type DemoServer } from '../src/demo/demo-server.js';

const TOKEN = 'demo-server-test-token-0123456789';

/**
 * What `npm start` runs (src/main.ts → startDemoServer), on the adapter ADAPTER names — the suite's
 * (E2E_ADAPTER) here — listening on a real port; requests go over loopback with fetch.
 */
describe(`the demo server (ADAPTER=${adapterName})`, () => {
  let demo: DemoServer;

  beforeAll(async () => {
    const env = { ADAPTER: adapterName, PORT: '0', NODE_ENV: 'production', ERROR_RECOVERY_ADMIN_TOKEN: TOKEN, DATABASE_URL };
    demo = await startDemoServer(env, { dataDir: 'memory://', logger: ['fatal'] });
  });
  afterAll(async () => {
    await demo?.app.close();
  });

  it('runs on the adapter ADAPTER names', () => {
    expect(demo.adapter).toBe(adapterName);
    expect(demo.app.getHttpAdapter().getType()).toBe(adapterName);
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers, captures, and shows the captured error in the admin API', async () => {
    const ok = await fetch(`${demo.url}/demo/ok`);
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);
    const crash = await fetch(`${demo.url}/demo/crash`);
    expect(crash.status).toBe(500);
    const id = crash.headers.get('x-error-id');
    expect(((await crash.json()) as { error: { error_id: string } }).error.error_id).toBe(id);
    const refused = await fetch(`${demo.url}/api/errors/${id}`);
    expect(refused.status).toBe(401);
    const detail = await fetch(`${demo.url}/api/errors/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ id, error_type: 'TypeError', route: '/demo/crash', method: 'GET' });
  });
});
