import { randomBytes } from 'node:crypto';

/** The demo's admin token and where it came from: only a token the demo made up may be printed. */
export type DemoAdminToken = { token: string; generated: true } | { token: string; generated: false; source: string };

/** ERROR_RECOVERY_ADMIN_TOKEN when set, else a random one made for this run. */
export function demoAdminToken(env: NodeJS.ProcessEnv, generate: () => string = () => randomBytes(18).toString('base64url')): DemoAdminToken {
  const fromEnv = env.ERROR_RECOVERY_ADMIN_TOKEN;
  return fromEnv ? { token: fromEnv, generated: false, source: 'ERROR_RECOVERY_ADMIN_TOKEN' } : { token: generate(), generated: true };
}
