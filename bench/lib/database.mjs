// The `database:` line of a run's header.

/** "PostgreSQL 15.x at postgres://user:***@host/db", or the embedded PGlite. */
export async function databaseLine(databaseUrl) {
  if (!databaseUrl) return 'PGlite (embedded, in memory, inside each with app process)';
  const shown = databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  let version;
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      version = ' ' + (await client.query('SHOW server_version')).rows[0].server_version;
      const rows = await client.query("SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'error_logs'");
      if (rows.rows[0] && Number(rows.rows[0].n) >= 0) version += `, error_logs ~${rows.rows[0].n} rows at start`;
    } finally {
      await client.end();
    }
  } catch (error) {
    version = ` (version unknown: ${error.message})`;
  }
  return `PostgreSQL${version} at ${shown}`;
}
