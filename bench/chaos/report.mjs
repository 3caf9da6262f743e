// The Markdown report of a chaos run: machine, one row per run, one row per target.

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');
const cell = (s) => String(s).replace(/\|/g, '\\|');

/** "retry 120/30/5" per strategy: done / failed / skipped, from the module's recovery_actions rows. */
function actions(module) {
  if (!module) return '—';
  const rows = module.stored?.actions;
  if (!rows) return module.stored?.error ? `(not read: ${module.stored.error})` : '—';
  const list = rows.map((a) => `${a.strategy} ${a.ok}/${a.failed}/${a.skipped}`).join(', ');
  return `${module.stored.errors} errors stored, ${module.recovered ?? 0} recovered; ${list || 'no action'}`;
}

/** Outcomes other than 2xx, most frequent first: "500×900, ECONNRESET×3". */
function failures(summary) {
  return (
    Object.entries(summary.outcomes)
      .filter(([k]) => !/^2\d\d$/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, n]) => `${k}×${n}`)
      .join(', ') || '—'
  );
}

function notes(run) {
  const out = [];
  if (run.truncated) out.push('TRUNCATED (time cap)');
  if (run.phases?.slow) out.push(`slow phase ${pct(run.phases.slow.success)}, after ${pct(run.phases.fast.success)}, served normally ${run.recoveredAfterMs === null ? 'never' : `${fmt(run.recoveredAfterMs / 1000, 1)} s`} after fast again`);
  if (run.phases?.down) {
    out.push(`down ${pct(run.phases.down.success)} (fail-fast ${run.failFastCount}, median ${run.failFastMedianMs === null ? 'n/a' : `${fmt(run.failFastMedianMs, 2)} ms`}), back ${pct(run.phases.back.success)}, served normally ${run.recoveredAfterMs === null ? 'never' : `${fmt(run.recoveredAfterMs / 1000, 1)} s`} after return`);
  }
  const b0 = run.breakerAtFastAgain ?? run.breakerAtBack;
  if (b0?.state === 'open') out.push(`breaker then open for ${fmt(b0.reopen_in_ms / 1000, 1)} s more`);
  const tries = run.storeFault === 'refuse' ? 'connection attempts not countable while refusing' : `${run.connectionsDuringFault ?? 'n/a'} connections to it during the fault`;
  if (run.storeFault) out.push(`store ${run.storeFault}: ${tries}; writer after: dropped ${JSON.stringify(run.module?.writer?.dropped ?? {})}, failedFlushes ${run.module?.writer?.failedFlushes ?? 'n/a'}`);
  const b = run.module?.breakers?.find((x) => x.name.includes('/api/call')) ?? run.module?.breakers?.[0];
  if (b) out.push(`breaker ${b.name} opened ${b.counts.opened}×, rejected ${b.counts.rejected}`);
  if (run.module?.pools?.length) out.push(`pool ${run.module.pools.map((x) => `${x.original_max}→${x.current_max}`).join(', ')}`);
  if (run.module?.internalFaults) out.push(`internal faults ${run.module.internalFaults}`);
  if (Number.isFinite(run.loadavg1)) out.push(`load ${run.loadavg1}`);
  const skips = run.module?.stored?.topSkips?.slice(0, 2) ?? [];
  if (skips.length) out.push(`most skipped: ${skips.map((x) => `${x.strategy} "${x.message}" ×${x.n}`).join(', ')}`);
  return out.join('; ') || '—';
}

export function markdownReport(results) {
  const m = results.machine;
  const lines = [];
  lines.push(`## Chaos run ${results.date}`);
  lines.push('');
  lines.push(`- machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB RAM, ${m.os}; load average ${m.loadavgAtStart.join(' ')} at start, ${m.loadavgAtEnd.join(' ')} at end`);
  lines.push(`- node ${m.node}, @nestjs/core ${m.nest}, PostgreSQL ${m.postgres}; adapter ${results.settings.adapter}`);
  lines.push(`- run: ${results.settings.quick ? 'quick' : 'full'}, time scale ${results.settings.timeScale}, ${results.durationS} s in all`);
  lines.push(`- with = the module's defaults; tuned = defaults + \`${JSON.stringify(results.settings.tuned)}\`; slow's route timeout = \`${JSON.stringify(results.settings.routeTimeoutOption)}\``);
  lines.push('');
  lines.push('| scenario | app | requests | success | p50 ms | p99 ms | failures | recovery (strategy done/failed/skipped) | notes |');
  lines.push('|---|---|---:|---:|---:|---:|---|---|---|');
  for (const sc of results.scenarios) {
    for (const run of sc.runs) {
      const x = run.summary;
      lines.push(`| ${sc.name} | ${cell(run.variant)} | ${x.requests} | ${pct(x.success)} | ${fmt(x.p50, 1)} | ${fmt(x.p99, 0)} | ${cell(failures(x))} | ${cell(actions(run.module))} | ${cell(notes(run))} |`);
    }
  }
  lines.push('');
  lines.push('| scenario | target | measured | result |');
  lines.push('|---|---|---|---|');
  let passed = 0;
  let total = 0;
  for (const sc of results.scenarios) {
    for (const t of sc.targets) {
      total++;
      if (t.pass) passed++;
      lines.push(`| ${sc.name} | ${cell(t.name)} | ${cell(t.value)} | ${t.pass ? 'PASS' : '**FAIL**'} |`);
    }
  }
  lines.push('');
  lines.push(`${passed} of ${total} targets met.`);
  lines.push('');
  lines.push('Scenarios:');
  for (const sc of results.scenarios) lines.push(`- ${sc.name}: ${sc.title} (${sc.durationS} s)`);
  return lines.join('\n');
}
