import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  badUserInput,
  notFound,
  requireUuid,
  rethrowAsTypedError,
  type Connection,
  type PageArgs,
  keysetConnection,
  keyPart,
  type KeysetOrder,
  anyText,
} from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { fieldOperations, mortalRemains } from '../db/schema.js';
import { recoversRemains, type checkMortalRemainsInput } from '../domain/records.js';
import { MORTAL_REMAINS_VIOLATIONS } from './violations.js';
import type { MortalRemainsRow } from '../db/schema.js';


export interface MortalRemainsFilter {
  status?: MortalRemainsRow['status'] | null;
  heldAt?: string | null;
  /** Id of the field operation that recovered the remains. */
  recoveredBy?: string | null;
}

/** By reference, the number the morgue files the remains under. */
const BY_REFERENCE: KeysetOrder<MortalRemainsRow> = {
  direction: 'asc',
  key: [keyPart(mortalRemains.reference, sql`text`, anyText, (row) => row.reference)],
};





export type { MortalRemainsRow };

export function createMortalRemainsStore(db: ForensicsDb) {
  return {
    connection(filter: MortalRemainsFilter,
      args: PageArgs,
    ): Promise<Connection<MortalRemainsRow>> {
      const recoveredBy = filter.recoveredBy != null ? requireUuid(filter.recoveredBy, 'filter.recoveredBy') : null;
      const matching = and(
        filter.status != null ? eq(mortalRemains.status, filter.status) : undefined,
        filter.heldAt != null ? eq(mortalRemains.heldAt, filter.heldAt) : undefined,
        recoveredBy !== null ? eq(mortalRemains.recoveredByOperationId, recoveredBy) : undefined,
      );
      return keysetConnection(
        args,
        BY_REFERENCE,
        ({ after, orderBy, limit }) =>
          db.select().from(mortalRemains).where(and(matching, after)).orderBy(...orderBy).limit(limit),
        () => db.$count(mortalRemains, matching),
      );
    },

    byIds(ids: readonly string[]): Promise<MortalRemainsRow[]> {
      return db.select().from(mortalRemains).where(inArray(mortalRemains.id, [...ids]));
    },

    /** The remains recovered by each of the given operations, by reference. */
    async byOperationIds(operationIds: readonly string[],
    ): Promise<(MortalRemainsRow & { recoveredByOperationId: string })[]> {
      const rows = await db
        .select()
        .from(mortalRemains)
        .where(inArray(mortalRemains.recoveredByOperationId, [...operationIds]))
        .orderBy(mortalRemains.reference);
      return rows.filter(
        (row): row is MortalRemainsRow & { recoveredByOperationId: string } => row.recoveredByOperationId !== null,
      );
    },

    /**
     * Records remains recovered by an exhumation, held (by default) at the Pristina morgue,
     * UNIDENTIFIED. The operation must exist (NOT_FOUND) and be an exhumation (BAD_USER_INPUT;
     * also the trigger `mortal_remains_recovered_by_exhumation`).
     */
    async record(input: ReturnType<typeof checkMortalRemainsInput>, on: ForensicsDb = db): Promise<MortalRemainsRow> {
      try {
        return await on.transaction(async (tx) => {
          const [operation] = await tx
            .select({ kind: fieldOperations.kind, reference: fieldOperations.reference })
            .from(fieldOperations)
            .where(eq(fieldOperations.id, input.recoveredBy));
          if (!operation) throw notFound('FieldOperation', input.recoveredBy);
          if (!recoversRemains(operation.kind)) {
            throw badUserInput(
              'input.recoveredBy',
              `must be an exhumation: only exhumations recover remains; ${operation.reference} is an ${operation.kind}`,
            );
          }
          const [row] = await tx
            .insert(mortalRemains)
            .values({
              id: randomUUID(),
              reference: input.reference,
              recoveredByOperationId: input.recoveredBy,
              heldAt: input.heldAt,
              status: 'UNIDENTIFIED',
            })
            .returning();
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...MORTAL_REMAINS_VIOLATIONS,
          mortal_remains_recovered_by_operation_id_field_operations_id_fk: () => notFound('FieldOperation', input.recoveredBy),
        });
      }
    },
  };
}

export type MortalRemainsStore = ReturnType<typeof createMortalRemainsStore>;
