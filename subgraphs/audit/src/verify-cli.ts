/**
 * pnpm audit:verify [--json] — checks the audit trail the way an auditor would, trusting
 * only the public verify keys and the external checkpoint sink: every checkpoint
 * signature, no checkpoint missing, no truncation, every event chained and matching the
 * signed heads. Names what it finds; also lists INTENTs without an OUTCOME.
 * Exit code 0: intact; 1: tampering found; 2: the trail or the keys could not be read.
 *
 * Reads DATABASE_URL (any role that may SELECT the audit schema; nothing is written), or
 * the embedded database under DATA_DIR (stop the graph first: an embedded database has
 * one user at a time); AUDIT_CHECKPOINT_FILE (default DATA_DIR/audit-checkpoints.jsonl —
 * point it at the WORM copy); AUDIT_VERIFY_KEYS (public JWK or JSON array; default the
 * public half of AUDIT_SIGNING_KEY, else the development key in DATA_DIR/keys). Each also
 * as NAME_FILE. With NODE_ENV=production (the image) the first three are required, and
 * AUDIT_VERIFY_KEYS is the only trust: no fallback to a signing or development key.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, EMBEDDED_DIRECTORY, openDatabase, type Db } from '@mission-graph/service-kit';
import { trustedKeys } from './checkpoints/checkpoint.js';
import { devSigningKeyPath, signingKeyFromJwk, type VerifyKey } from './checkpoints/signing-key.js';
import { fileCheckpointSink } from './checkpoints/sink.js';
import { checkpointFile, readVerifyEnv, signingKeyFromEnv, verifyKeysFromText, type VerifyEnv } from './config.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import { trailSource, verifyTrail, type VerifyReport } from './verification/verify-trail.js';

const json = process.argv.includes('--json');

try {
  const env = readVerifyEnv();
  const databaseUrl = env.DATABASE_URL;
  const keys = verifyKeys(env);
  const embeddedDir = path.join(env.DATA_DIR, EMBEDDED_DIRECTORY);
  if (!databaseUrl && !existsSync(embeddedDir)) {
    throw new ConfigError(`no audit database: DATABASE_URL is not set and there is no embedded one under ${embeddedDir}`);
  }
  const sink = fileCheckpointSink(checkpointFile(env));
  // The sink first, the database after: every checkpoint read then covers events already committed.
  const sinkContents = await sink.readAll();
  const database = await openDatabase({
    service: 'audit',
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
    databaseUrl,
    // On PostgreSQL the verifier only reads; the embedded database is brought to the current schema.
    migrate: !databaseUrl,
    dataDir: env.DATA_DIR,
  });
  let result: VerifyReport;
  try {
    result = await database.db.transaction(
      (tx) => verifyTrail({ trail: trailSource(tx as unknown as Db<typeof schema>), sink: sinkContents, sinkDescription: sink.description, trusted: trustedKeys(keys) }),
      database.driver === 'postgres' ? { isolationLevel: 'repeatable read', accessMode: 'read only' } : undefined,
    );
  } finally {
    await database.close();
  }
  if (json) console.log(JSON.stringify({ sink: sink.description, ...result }, null, 2));
  else printReport(result, sink.description);
  process.exit(result.findings.length > 0 ? 1 : 0);
} catch (error) {
  console.error('audit trail could not be verified:', error instanceof Error ? error.message : error);
  process.exit(2);
}

function verifyKeys(env: VerifyEnv): VerifyKey[] {
  if (env.AUDIT_VERIFY_KEYS) return verifyKeysFromText(env.AUDIT_VERIFY_KEYS);
  const signing = signingKeyFromEnv(env.AUDIT_SIGNING_KEY);
  if (signing) return [signing.verifyKey];
  const devKey = devSigningKeyPath(env.DATA_DIR);
  if (existsSync(devKey)) return [signingKeyFromJwk(JSON.parse(readFileSync(devKey, 'utf8'))).verifyKey];
  throw new ConfigError('no key to check checkpoint signatures with: set AUDIT_VERIFY_KEYS to the audit verify key (public JWK)');
}

function printReport(result: VerifyReport, sink: string): void {
  const { checkpoints } = result;
  console.log(
    `audit trail: ${result.events} events (last #${result.lastSequence}); ${checkpoints.table} checkpoints in the table, ${checkpoints.sink} in the external sink (${sink})`,
  );
  if (checkpoints.lastAnchored) {
    console.log(
      `last anchored: checkpoint #${checkpoints.lastAnchored.number} at event #${checkpoints.lastAnchored.sequence}` +
        (result.unanchoredEvents > 0 ? `; ${result.unanchoredEvents} newer events are chained but not yet anchored` : ''),
    );
  } else if (result.events > 0) {
    console.log(`no checkpoint yet: ${result.unanchoredEvents} events are chained but not anchored outside the database`);
  }
  if (result.findings.length === 0) {
    console.log('INTACT: every checkpoint signature verifies, no checkpoint is missing, nothing was truncated, every event chains and matches the signed heads');
  } else {
    console.error(`TAMPERED: ${result.findings.length} finding(s)`);
    for (const finding of result.findings) console.error(`  [${finding.kind}] ${finding.message}`);
  }
  if (result.openIntents.length > 0) {
    console.log(`open intents (a mutation announced, no outcome recorded): ${result.openIntents.length}`);
    for (const intent of result.openIntents.slice(0, 50)) {
      console.log(`  #${intent.sequence} (${intent.id}) ${intent.fieldCoordinates.join(', ')} by ${intent.principal} at ${intent.occurredAt}`);
    }
    if (result.openIntents.length > 50) console.log(`  …and ${result.openIntents.length - 50} more`);
  }
  for (const note of result.notes) console.log(`note: ${note}`);
}
