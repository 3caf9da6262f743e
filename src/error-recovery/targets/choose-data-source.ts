import type { NamedDataSource } from './data-source.targets.js';

/** The DataSource a strategy acts on, or why it acts on none (`none`: nothing to choose from). */
export type DataSourceChoice = { target: NamedDataSource } | { skip: string; none: boolean };

/**
 * Which DataSource failed, when it can be told: the one the route names, else the only one there
 * is. With several and no name the strategy acts on none, because resizing or restarting the
 * wrong database is worse than doing nothing.
 *
 * @param parameter the strategy whose `parameters.<strategy>.dataSource` names one, for the message.
 */
export function chooseDataSource(candidates: readonly NamedDataSource[], requested: string | null, parameter: string): DataSourceChoice {
  const names = candidates.map((c) => c.name).join(', ');
  if (requested) {
    const target = candidates.find((c) => c.name === requested);
    return target ? { target } : { skip: `no DataSource named "${requested}" (registered: ${names || 'none'})`, none: false };
  }
  if (candidates.length === 0) return { skip: 'no DataSource registered', none: true };
  if (candidates.length === 1) return { target: candidates[0] };
  return { skip: `several DataSources registered (${names}); name one with parameters.${parameter}.dataSource`, none: false };
}
