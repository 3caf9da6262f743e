import { demoAdminToken } from './demo-admin-token.js';
import { demoBanner } from './demo-banner.js';

const BASE = 'http://127.0.0.1:3000';

describe("the demo's start-up banner", () => {
  it('never prints a token that came from the environment, and says where it came from', () => {
    const admin = demoAdminToken({ ERROR_RECOVERY_ADMIN_TOKEN: 's3cr3t-from-the-vault' }, () => 'generated');
    expect(admin).toEqual({ token: 's3cr3t-from-the-vault', generated: false, source: 'ERROR_RECOVERY_ADMIN_TOKEN' });
    const banner = demoBanner(BASE, admin, {});
    expect(banner).not.toContain('s3cr3t-from-the-vault');
    expect(banner).toContain('admin token: from ERROR_RECOVERY_ADMIN_TOKEN (not printed)');
    // The commands still work when pasted into a shell that has the variable.
    expect(banner).toContain(`curl -H "Authorization: Bearer $ERROR_RECOVERY_ADMIN_TOKEN" ${BASE}/api/errors/summary`);
  });

  it('prints a token the demo generated (nobody could use the admin API otherwise)', () => {
    const admin = demoAdminToken({ ERROR_RECOVERY_ADMIN_TOKEN: '' }, () => 'made-for-this-run');
    expect(admin).toEqual({ token: 'made-for-this-run', generated: true });
    const banner = demoBanner(BASE, admin, {});
    expect(banner).toContain('admin token (generated for this run): made-for-this-run');
    expect(banner).toContain(`curl -H 'Authorization: Bearer made-for-this-run' ${BASE}/api/errors/summary`);
  });

  it('says which adapter the demo runs on (ADAPTER=fastify, Express by default)', () => {
    const admin = demoAdminToken({}, () => 't');
    expect(demoBanner(BASE, admin, {})).toMatch(/^demo listening on http:\/\/127\.0\.0\.1:3000 on Express \(/);
    expect(demoBanner(BASE, admin, {}, 'fastify')).toMatch(/^demo listening on http:\/\/127\.0\.0\.1:3000 on Fastify \(/);
  });

  it('generates a fresh random token when none is set', () => {
    const [a, b] = [demoAdminToken({}), demoAdminToken({})];
    expect(a.generated && b.generated).toBe(true);
    expect(a.token).toMatch(/^[\w-]{24}$/);
    expect(a.token).not.toBe(b.token);
  });
});
