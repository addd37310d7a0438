import { notFound, type Db } from '@mission-graph/service-kit';
import { eq } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { protectedWitnesses, type ProtectedWitnessRow } from '../db/schema.js';

/** A transaction handle, as `db.transaction` passes it. */
export type Tx = Parameters<Parameters<Db<typeof schema>['transaction']>[0]>[0];

/**
 * Loads and locks one witness for the rest of the transaction: every write to a
 * witness's file goes through here, so concurrent writes to one file queue up.
 */
export async function lockWitness(tx: Tx, id: string): Promise<ProtectedWitnessRow> {
  const [row] = await tx.select().from(protectedWitnesses).where(eq(protectedWitnesses.id, id)).for('update');
  if (!row) throw notFound('ProtectedWitness', id);
  return row;
}
