import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Database } from '@mission-graph/service-kit';
import { PG_SCHEMA, type schema } from './schema.js';

/**
 * On PostgreSQL the audit service runs as a role that may only INSERT and SELECT the
 * trail: it cannot UPDATE, DELETE or TRUNCATE, and — not owning the tables — cannot
 * disable or drop their triggers (only an owner or a superuser can). Migrations run as
 * the owner (`DATABASE_MIGRATION_URL`), which then grants the runtime role (the user of
 * `DATABASE_URL`) exactly that, after every migration, so a new table is covered too.
 */
const TABLES = ['audit_events', 'audit_checkpoints'] as const;

/** The role the service's own connection runs as. */
export async function currentRole(database: Database<typeof schema>): Promise<string> {
  const [row] = await database.rows<{ role: string }>(sql`select current_user as role`);
  return row!.role;
}

/**
 * As the owner: revokes whatever the runtime role had on the audit schema and grants
 * USAGE on it, SELECT and INSERT on the trail's tables — nothing else. Does nothing when
 * both URLs name the same role (there is then nothing to separate; see `privilegeProblems`).
 */
export async function grantRuntimeRole(migrationUrl: string, runtimeRole: string): Promise<'granted' | 'same role'> {
  const owner = postgres(migrationUrl, { max: 1, onnotice: () => {} });
  try {
    const [me] = await owner<{ role: string }[]>`select current_user as role`;
    if (me!.role === runtimeRole) return 'same role';
    await owner.begin(async (tx) => {
      const role = tx(runtimeRole);
      const schemaName = tx(PG_SCHEMA);
      await tx`revoke all on all tables in schema ${schemaName} from ${role}`;
      await tx`revoke all on all sequences in schema ${schemaName} from ${role}`;
      await tx`revoke all on schema ${schemaName} from ${role}`;
      await tx`grant usage on schema ${schemaName} to ${role}`;
      for (const table of TABLES) await tx`grant select, insert on ${tx(PG_SCHEMA)}.${tx(table)} to ${role}`;
    });
    return 'granted';
  } finally {
    await owner.end();
  }
}

/**
 * What the service's own role could do to the trail beyond appending and reading it —
 * each a way to rewrite history without the database refusing. Empty = least privilege.
 */
export async function privilegeProblems(database: Database<typeof schema>): Promise<string[]> {
  const problems: string[] = [];
  const [role] = await database.rows<{ role: string; superuser: boolean }>(
    sql`select current_user as role, rolsuper as superuser from pg_roles where rolname = current_user`,
  );
  if (role?.superuser) problems.push(`role "${role.role}" is a superuser`);
  for (const table of TABLES) {
    const qualified = `${PG_SCHEMA}.${table}`;
    const [rights] = await database.rows<{ owns: boolean; update: boolean; delete: boolean; truncate: boolean }>(sql`
      select pg_has_role(current_user, c.relowner, 'MEMBER') as owns,
             has_table_privilege(${qualified}::text, 'UPDATE') as update,
             has_table_privilege(${qualified}::text, 'DELETE') as delete,
             has_table_privilege(${qualified}::text, 'TRUNCATE') as truncate
        from pg_class c where c.oid = ${qualified}::text::regclass`);
    if (rights?.owns) problems.push(`it owns ${qualified} (an owner can disable its triggers)`);
    const verbs = (['update', 'delete', 'truncate'] as const).filter((verb) => rights?.[verb]);
    if (verbs.length > 0) problems.push(`it may ${verbs.map((v) => v.toUpperCase()).join(', ')} ${qualified}`);
  }
  return problems;
}
