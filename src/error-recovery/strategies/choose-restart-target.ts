import { chooseDataSource } from '../targets/choose-data-source.js';
import { DataSourceRestartable } from '../targets/data-source.restartable.js';
import type { NamedDataSource } from '../targets/data-source.targets.js';
import type { Restartable } from '../common/recovery-target.interface.js';

/** The target service_restart acts on (and how it was chosen), or why it acts on none. */
export type RestartChoice = { target: Restartable; kind: 'dataSource' | 'target'; chosenBy: string } | { skip: string };

/** Errors that point at a database connection. */
const DATA_ERRORS: ReadonlySet<string> = new Set(['DatabaseError', 'ConnectionError']);

/** What the choice is made from. */
export interface RestartChoiceInput {
  /** `parameters.service_restart.target`. */
  target: string | null;
  /** `parameters.service_restart.dataSource`. */
  dataSource: string | null;
  errorType: string;
  restartables: readonly Restartable[];
  dataSources: readonly NamedDataSource[];
}

/**
 * In order: the target the route names (own targets before DataSources of the same name); for a
 * database or connection error, the failing DataSource when it can be told (named, or the only
 * one); else the only restartable target. Anything ambiguous restarts nothing.
 */
export function chooseRestartTarget(input: RestartChoiceInput): RestartChoice {
  const { restartables, dataSources } = input;
  const ofDataSource = (d: NamedDataSource, chosenBy: string): RestartChoice => ({ target: new DataSourceRestartable(d.name, d.dataSource), kind: 'dataSource', chosenBy });
  if (input.target) {
    const own = restartables.find((r) => r.name === input.target);
    if (own) return { target: own, kind: 'target', chosenBy: 'parameters.service_restart.target' };
    const dataSource = dataSources.find((d) => d.name === input.target);
    if (dataSource) return ofDataSource(dataSource, 'parameters.service_restart.target');
    const known = [...restartables.map((r) => r.name), ...dataSources.map((d) => d.name)].join(', ');
    return { skip: `no restart target named "${input.target}" (registered: ${known || 'none'})` };
  }
  const dataError = DATA_ERRORS.has(input.errorType);
  if (input.dataSource || dataError) {
    const choice = chooseDataSource(dataSources, input.dataSource, 'service_restart');
    if ('target' in choice) return ofDataSource(choice.target, input.dataSource ? 'parameters.service_restart.dataSource' : `the only DataSource, on a ${input.errorType}`);
    if (!choice.none) return { skip: choice.skip };
  }
  if (restartables.length === 1) return { target: restartables[0], kind: 'target', chosenBy: 'the only restartable target' };
  if (restartables.length > 1) {
    return { skip: `several restartable targets registered (${restartables.map((r) => r.name).join(', ')}); name one with parameters.service_restart.target` };
  }
  return {
    skip: dataError
      ? 'no DataSource or restartable target registered'
      : 'no restartable target registered (mark a provider with @RestartableTarget() or give targets.restartables)',
  };
}
