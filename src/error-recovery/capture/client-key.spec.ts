import { clientKey } from './route-gates.js';

describe('clientKey', () => {
  it('is the authenticated user, else the address the adapter reports', () => {
    expect(clientKey({ user: { id: 7 }, ip: '10.0.0.1' })).toBe('user:7');
    expect(clientKey({ user: { sub: 'u-1' } })).toBe('user:u-1');
    expect(clientKey({ ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });

  it('is unknown (undefined) without a user or an address, never one key shared by every such client', () => {
    // E.g. an app listening on a Unix socket: request.ip is undefined for every request. One shared
    // "ip:unknown" key let one client's 4xx throttle all of them.
    expect(clientKey({})).toBeUndefined();
    expect(clientKey({ ip: '' })).toBeUndefined();
  });
});
