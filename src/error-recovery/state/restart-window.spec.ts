import { restartAllowance } from './restart-window.js';

describe('restartAllowance', () => {
  it('allows restarts until maxRestarts are less than windowMs old', () => {
    expect(restartAllowance([], 1000, 3, 600)).toEqual({ allowed: true, inWindow: [] });
    expect(restartAllowance([500, 600], 1000, 3, 600)).toEqual({ allowed: true, inWindow: [500, 600] });
    expect(restartAllowance([500, 600, 700], 1000, 3, 600)).toEqual({ allowed: false, inWindow: [500, 600, 700], nextAllowedAt: 1100 });
  });

  it('forgets restarts once they are windowMs old', () => {
    expect(restartAllowance([400, 600, 700], 1000, 3, 600)).toEqual({ allowed: true, inWindow: [600, 700] });
  });

  it('says when the next restart is allowed: when enough of them left the window', () => {
    expect(restartAllowance([100, 200, 300, 400], 500, 2, 1000)).toMatchObject({ allowed: false, nextAllowedAt: 1300 });
  });

  it('refuses every restart with maxRestarts 0', () => {
    expect(restartAllowance([], 0, 0, 1000)).toEqual({ allowed: false, inWindow: [] });
  });
});
