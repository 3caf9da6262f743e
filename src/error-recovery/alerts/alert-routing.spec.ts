import type { Severity } from '../classify/classification.interface.js';
import type { AlertsOptions } from './alerts-options.interface.js';
import { routeAlert } from './alert-routing.js';
import type { AlertRoute } from './outbox/alert-candidate.js';
import { resolveAlertsOptions } from './resolve-alerts-options.js';

/** Options as the module resolves them, with no environment. */
const resolved = (options: AlertsOptions) => resolveAlertsOptions(options, {});

const ALL_CHANNELS = ['email', 'webhook', 'slack', 'telegram'] as const;
const others = (channels: readonly string[]): AlertRoute[] => channels.filter((c) => c !== 'email').map((channel) => ({ channel, recipients: [] }));

describe('routeAlert', () => {
  describe('by severity, not escalated', () => {
    const options = resolved({
      recipients: ['team@example.com'],
      bySeverity: { critical: ['oncall@example.com', 'team@example.com'], medium: ['dev@example.com'] },
      escalation: { recipients: ['cto@example.com'] },
    });

    it.each<[Severity, AlertRoute[]]>([
      ['critical', [{ channel: 'email', recipients: ['oncall@example.com', 'team@example.com'] }, ...others(ALL_CHANNELS)]],
      ['high', [{ channel: 'email', recipients: ['team@example.com'] }, ...others(ALL_CHANNELS)]],
      ['medium', [{ channel: 'email', recipients: ['dev@example.com'] }, ...others(ALL_CHANNELS)]],
      ['low', []],
    ])('%s goes to %j', (severity, expected) => {
      expect(routeAlert({ severity, escalation: null }, options, ALL_CHANNELS)).toEqual(expected);
    });
  });

  it('silences a severity given an explicit empty list on every channel, e-mail or not', () => {
    const options = resolved({ recipients: ['team@example.com'], bySeverity: { high: [] } });
    expect(routeAlert({ severity: 'high', escalation: null }, options, ALL_CHANNELS)).toEqual([]);
    expect(routeAlert({ severity: 'critical', escalation: null }, options, ALL_CHANNELS)).toHaveLength(4);
  });

  it('silences low by default, and sends it once it is given addresses', () => {
    expect(routeAlert({ severity: 'low', escalation: null }, resolved({ recipients: ['team@example.com'] }), ALL_CHANNELS)).toEqual([]);
    expect(routeAlert({ severity: 'low', escalation: null }, resolved({ bySeverity: { low: ['noise@example.com'] } }), ['email', 'slack'])).toEqual([
      { channel: 'email', recipients: ['noise@example.com'] },
      { channel: 'slack', recipients: [] },
    ]);
  });

  it('adds the escalation recipients to the severity recipients when escalated', () => {
    const options = resolved({ recipients: ['team@example.com'], escalation: { recipients: ['cto@example.com', 'oncall@example.com'] } });
    expect(routeAlert({ severity: 'critical', escalation: 'critical error not recovered' }, options, ['email'])).toEqual([
      { channel: 'email', recipients: ['team@example.com', 'cto@example.com', 'oncall@example.com'] },
    ]);
  });

  it.each<[string, AlertsOptions, Severity]>([
    ['low silenced by default', { recipients: ['team@example.com'], escalation: { recipients: ['cto@example.com'] } }, 'low'],
    ['an explicit empty list', { recipients: ['team@example.com'], bySeverity: { high: [] }, escalation: { recipients: ['cto@example.com'] } }, 'high'],
  ])('un-silences %s when escalated: escalation recipients only, and the other channels', (_name, options, severity) => {
    expect(routeAlert({ severity, escalation: 'circuit breaker opened' }, resolved(options), ['email', 'webhook'])).toEqual([
      { channel: 'email', recipients: ['cto@example.com'] },
      { channel: 'webhook', recipients: [] },
    ]);
  });

  it('removes duplicate and blank addresses, trimming each', () => {
    const options = resolved({
      bySeverity: { critical: ['oncall@example.com', ' oncall@example.com ', '', 'team@example.com'] },
      escalation: { recipients: ['team@example.com', 'cto@example.com', '  '] },
    });
    expect(routeAlert({ severity: 'critical', escalation: 'x' }, options, ['email'])).toEqual([
      { channel: 'email', recipients: ['oncall@example.com', 'team@example.com', 'cto@example.com'] },
    ]);
  });

  it('treats addresses differing only in case as one, keeping the first spelling', () => {
    const options = resolved({ bySeverity: { high: ['Ops@Example.com'] }, escalation: { recipients: ['ops@example.com', 'CTO@example.com'] } });
    expect(routeAlert({ severity: 'high', escalation: 'x' }, options, ['email'])).toEqual([
      { channel: 'email', recipients: ['Ops@Example.com', 'CTO@example.com'] },
    ]);
  });

  it.each<[string, AlertsOptions, string | null]>([
    ['no recipients at all', {}, null],
    ['escalated, but nobody to escalate to and no recipients', { escalation: { recipients: [] } }, 'critical error not recovered'],
    ['only blank addresses', { recipients: [' ', ''] }, null],
  ])('has no e-mail route with %s, yet keeps the other channels', (_name, options, escalation) => {
    expect(routeAlert({ severity: 'critical', escalation }, resolved(options), ['email', 'slack', 'my-pager'])).toEqual([
      { channel: 'slack', recipients: [] },
      { channel: 'my-pager', recipients: [] },
    ]);
  });

  it("includes the app's own channels with no recipients, in the order given", () => {
    const options = resolved({ recipients: ['team@example.com'] });
    expect(routeAlert({ severity: 'high', escalation: null }, options, ['my-pager', 'email', 'audit-log'])).toEqual([
      { channel: 'my-pager', recipients: [] },
      { channel: 'email', recipients: ['team@example.com'] },
      { channel: 'audit-log', recipients: [] },
    ]);
  });

  it('routes nowhere when no channel is configured', () => {
    expect(routeAlert({ severity: 'critical', escalation: 'x' }, resolved({ recipients: ['team@example.com'] }), [])).toEqual([]);
  });

  it('does not share the configured lists with the routes it returns', () => {
    const options = resolved({ recipients: ['team@example.com'] });
    const [route] = routeAlert({ severity: 'high', escalation: null }, options, ['email']);
    route.recipients.push('intruder@example.com');
    expect(options.bySeverity.high).toEqual(['team@example.com']);
  });
});
