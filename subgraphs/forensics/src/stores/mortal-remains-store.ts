import { and, eq, inArray } from 'drizzle-orm';
import { requireUuid, type Connection, type PageArgs } from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { mortalRemains } from '../db/schema.js';
import { anyText, keysetPage, type KeysetOrder } from './keyset.js';

/** All SQL about recovered mortal remains. */
export type MortalRemainsRow = typeof mortalRemains.$inferSelect;

export interface MortalRemainsFilter {
  status?: MortalRemainsRow['status'] | null;
  heldAt?: string | null;
  /** Id of the field operation that recovered the remains. */
  recoveredBy?: string | null;
}

/** By reference, the number the morgue files the remains under. */
const BY_REFERENCE: KeysetOrder<MortalRemainsRow> = {
  columns: [mortalRemains.reference],
  parts: [anyText],
  direction: 'asc',
  keyOf: (row) => [row.reference],
};

export function listMortalRemains(
  db: ForensicsDb,
  filter: MortalRemainsFilter,
  args: PageArgs,
): Promise<Connection<MortalRemainsRow>> {
  const recoveredBy = filter.recoveredBy != null ? requireUuid(filter.recoveredBy, 'filter.recoveredBy') : null;
  const matching = and(
    filter.status != null ? eq(mortalRemains.status, filter.status) : undefined,
    filter.heldAt != null ? eq(mortalRemains.heldAt, filter.heldAt) : undefined,
    recoveredBy !== null ? eq(mortalRemains.recoveredByOperationId, recoveredBy) : undefined,
  );
  return keysetPage(
    args,
    BY_REFERENCE,
    (after, orderBy, limit) =>
      db.select().from(mortalRemains).where(and(matching, after)).orderBy(...orderBy).limit(limit),
    () => db.$count(mortalRemains, matching),
  );
}

export function mortalRemainsByIds(db: ForensicsDb, ids: readonly string[]): Promise<MortalRemainsRow[]> {
  return db.select().from(mortalRemains).where(inArray(mortalRemains.id, [...ids]));
}
