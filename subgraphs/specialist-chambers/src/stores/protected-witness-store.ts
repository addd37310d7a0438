import { randomUUID } from 'node:crypto';
import {
tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
  type Connection,
  conflict,
  isIsoDate,
  rethrowAsTypedError,
  rowsOf,
  type Db,
} from '@mission-graph/service-kit';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { protectedWitnesses, relocations, threatAssessments, witnessIdentities } from '../db/schema.js';
import { checkWitnessTransition, type ReferWitnessInput, type WitnessFile } from '../domain/witness-programme.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { WITNESS_VIOLATIONS } from './violations.js';
import { sealIdentity } from './witness-data.js';
import { lockWitness } from './witness-lock.js';
import type { ProtectedWitnessRow } from '../db/schema.js';


export interface ProtectedWitnessFilter {
  status?: ProtectedWitnessRow['status'] | null;
  riskLevel?: ProtectedWitnessRow['riskLevel'] | null;
}

/** All SQL about protected witnesses under codename; reads never touch identities. */
/** Newest first (`referredOn`), the id breaking ties. */
const MOST_RECENTLY_REFERRED: KeysetOrder<ProtectedWitnessRow> = {
  direction: 'desc',
  key: [keyPart(protectedWitnesses.referredOn, sql`date`, isIsoDate, (row) => row.referredOn), idPart(protectedWitnesses.id)],
};

export function createProtectedWitnessStore(db: Db<typeof schema>, cipher: FieldCipher) {
  const matching = (filter: ProtectedWitnessFilter) =>
    and(
      filter.status ? eq(protectedWitnesses.status, filter.status) : undefined,
      filter.riskLevel ? eq(protectedWitnesses.riskLevel, filter.riskLevel) : undefined,
    );

  return {
    /** One page, newest first; the cursor is `(referredOn, id)`. */
    connection(filter: ProtectedWitnessFilter, args: PageArgs): Promise<Connection<ProtectedWitnessRow>> {
      return tableConnection(db, protectedWitnesses, MOST_RECENTLY_REFERRED, matching(filter), args);
    },

    byIds(ids: readonly string[]): Promise<ProtectedWitnessRow[]> {
      return db.select().from(protectedWitnesses).where(inArray(protectedWitnesses.id, [...ids]));
    },

    /** A new witness in status REFERRED with its identity, in one transaction. */
    async refer(input: ReferWitnessInput): Promise<ProtectedWitnessRow> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(protectedWitnesses)
            .values({ id: randomUUID(), codename: input.codename, riskLevel: input.riskLevel, referredOn: input.referredOn, status: 'REFERRED' })
            .returning();
          await tx.insert(witnessIdentities).values(sealIdentity(cipher, row!.id, input.identity));
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...WITNESS_VIOLATIONS,
          protected_witnesses_codename_unique: () =>
            conflict(`The codename ${input.codename} is already in use`, { reason: 'DUPLICATE_CODENAME' }),
        });
      }
    },

    /** Moves a witness along the programme, if the file supports it (counted in SQL). */
    async transition(id: string, status: ProtectedWitnessRow['status']): Promise<ProtectedWitnessRow> {
      try {
        return await db.transaction(async (tx) => {
          const witness = await lockWitness(tx, id);
          const [file] = rowsOf<WitnessFile>(
            await tx.execute(sql`
              select
                (select count(*)::int from ${threatAssessments} where ${threatAssessments.witnessId} = ${id}) as "threatAssessments",
                (select count(*)::int from ${relocations} where ${relocations.witnessId} = ${id}) as "relocations"`),
          );
          checkWitnessTransition(witness.status, status, file!);
          const [updated] = await tx.update(protectedWitnesses).set({ status }).where(eq(protectedWitnesses.id, id)).returning();
          return updated!;
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },
  };
}

export type ProtectedWitnessStore = ReturnType<typeof createProtectedWitnessStore>;

export type { ProtectedWitnessRow };
