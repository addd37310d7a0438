import { randomUUID } from 'node:crypto';
import {
  afterKeysetCursor,
  conflict,
  isIsoDate,
  readKeysetCursor,
  rethrowAsTypedError,
  rowsOf,
  type Db,
  type PageRequest,
} from '@mission-graph/service-kit';
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { protectedWitnesses, relocations, threatAssessments, witnessIdentities } from '../db/schema.js';
import { checkWitnessTransition, type ReferWitnessInput, type WitnessFile } from '../domain/witness-programme.js';
import { WITNESS_VIOLATIONS } from './violations.js';
import { lockWitness } from './witness-lock.js';
import type { ProtectedWitnessRow } from '../db/schema.js';


export interface ProtectedWitnessFilter {
  status?: ProtectedWitnessRow['status'] | null;
  riskLevel?: ProtectedWitnessRow['riskLevel'] | null;
}

/** All SQL about protected witnesses under codename; reads never touch identities. */
export function createProtectedWitnessStore(db: Db<typeof schema>) {
  const matching = (filter: ProtectedWitnessFilter) =>
    and(
      filter.status ? eq(protectedWitnesses.status, filter.status) : undefined,
      filter.riskLevel ? eq(protectedWitnesses.riskLevel, filter.riskLevel) : undefined,
    );

  return {
    /** One page plus one row (to tell whether a next page exists), most recently referred first. */
    list(filter: ProtectedWitnessFilter, page: PageRequest): Promise<ProtectedWitnessRow[]> {
      const after = afterKeysetCursor(
        protectedWitnesses.referredOn,
        protectedWitnesses.id,
        readKeysetCursor(page, isIsoDate),
        sql`date`,
      );
      return db
        .select()
        .from(protectedWitnesses)
        .where(and(matching(filter), after))
        .orderBy(desc(protectedWitnesses.referredOn), desc(protectedWitnesses.id))
        .limit(page.size + 1);
    },

    async count(filter: ProtectedWitnessFilter): Promise<number> {
      const [row] = await db.select({ total: count() }).from(protectedWitnesses).where(matching(filter));
      return row?.total ?? 0;
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
          await tx.insert(witnessIdentities).values({ witnessId: row!.id, ...input.identity });
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
