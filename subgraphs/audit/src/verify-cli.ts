/**
 * pnpm audit:verify — walks the audit trail's hash chain and names the first event
 * that was edited, deleted or reordered. Exit code 0: the chain holds; 1: broken;
 * 2: the trail could not be read. Reads DATABASE_URL, or the embedded database under
 * DATA_DIR (stop the graph first: an embedded database has one user at a time).
 */
import { DEFAULT_DATA_DIR, openDatabase } from '@mission-graph/service-kit';
import { PG_SCHEMA, schema } from './db/schema.js';
import { createAuditEventStore } from './stores/audit-event-store.js';

try {
  const database = await openDatabase({
    service: 'audit',
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: new URL('../drizzle', import.meta.url).pathname,
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR ?? DEFAULT_DATA_DIR,
  });
  const { checked, broken } = await createAuditEventStore(database.db).verify();
  await database.close();
  if (broken) {
    console.error(`audit trail BROKEN at event #${broken.sequence} (${broken.id}): ${broken.reason}; ${checked} events before it hold`);
    process.exit(1);
  }
  console.log(`audit trail intact: ${checked} events, hash chain verified`);
} catch (error) {
  console.error('audit trail could not be read:', error instanceof Error ? error.message : error);
  process.exit(2);
}
