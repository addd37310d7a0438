import { randomUUID } from 'node:crypto';
import { and, eq, gte, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import {
  checkPeriodBounds,
  notFound,
  rethrowAsTypedError,
  FILTER_PERIOD_ARGUMENTS,
  isIsoDate,
  type Connection,
  type PageArgs,
  keysetConnection,
  keyPart,
  type KeysetOrder,
  idPart,
} from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { identifications, missingPersons, mortalRemains } from '../db/schema.js';
import type { checkIdentificationInput } from '../domain/records.js';
import { canMoveMissingPerson, canMoveMortalRemains, transitionConflict } from '../domain/workflow.js';
import { IDENTIFICATION_VIOLATIONS } from './violations.js';
import type { IdentificationRow } from '../db/schema.js';


export interface IdentificationFilter {
  method?: IdentificationRow['method'] | null;
  /** Identified on or after this day. */
  from?: string | null;
  /** Identified on or before this day. */
  to?: string | null;
  /** true: only identifications of listed missing persons; false: only of other individuals. */
  concernsMissingPerson?: boolean | null;
}

/** Most recent identification first; the id breaks ties. */
const NEWEST_FIRST: KeysetOrder<IdentificationRow> = {
  direction: 'desc',
  key: [keyPart(identifications.identifiedOn, sql`date`, isIsoDate, (row) => row.identifiedOn), idPart(identifications.id)],
};






export type { IdentificationRow };

export function createIdentificationStore(db: ForensicsDb) {
  return {
    connection(filter: IdentificationFilter,
      args: PageArgs,
    ): Promise<Connection<IdentificationRow>> {
      checkPeriodBounds(filter.from, filter.to, FILTER_PERIOD_ARGUMENTS);
      const concerns = filter.concernsMissingPerson;
      const matching = and(
        filter.method != null ? eq(identifications.method, filter.method) : undefined,
        filter.from != null ? gte(identifications.identifiedOn, filter.from) : undefined,
        filter.to != null ? lte(identifications.identifiedOn, filter.to) : undefined,
        concerns == null
          ? undefined
          : concerns
            ? isNotNull(identifications.missingPersonId)
            : isNull(identifications.missingPersonId),
      );
      return keysetConnection(
        args,
        NEWEST_FIRST,
        ({ after, orderBy, limit }) =>
          db.select().from(identifications).where(and(matching, after)).orderBy(...orderBy).limit(limit),
        () => db.$count(identifications, matching),
      );
    },

    byIds(ids: readonly string[]): Promise<IdentificationRow[]> {
      return db.select().from(identifications).where(inArray(identifications.id, [...ids]));
    },

    byRemainsIds(remainsIds: readonly string[],
    ): Promise<IdentificationRow[]> {
      return db.select().from(identifications).where(inArray(identifications.remainsId, [...remainsIds]));
    },

    async byMissingPersonIds(missingPersonIds: readonly string[],
    ): Promise<(IdentificationRow & { missingPersonId: string })[]> {
      const rows = await db
        .select()
        .from(identifications)
        .where(inArray(identifications.missingPersonId, [...missingPersonIds]));
      return rows.filter(
        (row): row is IdentificationRow & { missingPersonId: string } => row.missingPersonId !== null,
      );
    },

    /**
     * Records an identification and, in the same transaction, moves the remains to
     * IDENTIFIED and the missing-person case (when there is one) to IDENTIFIED: either all
     * three changes stick or none. Both rows are locked first, so concurrent identifications
     * of the same remains or case queue up and the later one gets a CONFLICT; the UNIQUE
     * constraints on `remains_id` and `missing_person_id` hold whatever happens, and the
     * deferred trigger `identifications_settle_statuses` refuses to commit an
     * identification whose remains or case were left unsettled.
     */
    async record(input: ReturnType<typeof checkIdentificationInput>, on: ForensicsDb = db): Promise<IdentificationRow> {
      const { remainsId, missingPersonId } = input;
      try {
        return await on.transaction(async (tx) => {
          const [remains] = await tx
            .select({ status: mortalRemains.status })
            .from(mortalRemains)
            .where(eq(mortalRemains.id, remainsId))
            .for('update');
          if (!remains) throw notFound('MortalRemains', remainsId);
          if (!canMoveMortalRemains(remains.status, 'IDENTIFIED')) {
            throw transitionConflict('MortalRemains', remainsId, remains.status, 'IDENTIFIED');
          }
          if (missingPersonId !== null) {
            const [person] = await tx
              .select({ status: missingPersons.status })
              .from(missingPersons)
              .where(eq(missingPersons.id, missingPersonId))
              .for('update');
            if (!person) throw notFound('MissingPerson', missingPersonId);
            if (!canMoveMissingPerson(person.status, 'IDENTIFIED')) {
              throw transitionConflict('MissingPerson', missingPersonId, person.status, 'IDENTIFIED');
            }
          }
          const [row] = await tx.insert(identifications).values({ id: randomUUID(), ...input }).returning();
          await tx.update(mortalRemains).set({ status: 'IDENTIFIED' }).where(eq(mortalRemains.id, remainsId));
          if (missingPersonId !== null) {
            await tx.update(missingPersons).set({ status: 'IDENTIFIED' }).where(eq(missingPersons.id, missingPersonId));
          }
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...IDENTIFICATION_VIOLATIONS,
          identifications_remains_id_mortal_remains_id_fk: () => notFound('MortalRemains', remainsId),
          identifications_missing_person_id_missing_persons_id_fk: () => notFound('MissingPerson', missingPersonId ?? ''),
        });
      }
    },
  };
}

export type IdentificationStore = ReturnType<typeof createIdentificationStore>;
