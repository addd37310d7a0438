import { randomUUID } from 'node:crypto';
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import {
  checkPeriodBounds,
  isIsoDate,
  notFound,
  rethrowAsTypedError,
  type Connection,
  type PageArgs,
  keysetConnection,
  keyPart,
  type KeysetOrder,
  anyText,
} from '@mission-graph/service-kit';
import type { checkMissingPersonInput, MissingPersonTransition } from '../domain/records.js';
import { canMoveMissingPerson, transitionConflict } from '../domain/workflow.js';
import type { ForensicsDb } from '../db/database.js';
import { missingPersons } from '../db/schema.js';
import { MISSING_PERSON_TRANSITION_VIOLATIONS, MISSING_PERSON_VIOLATIONS } from './violations.js';
import type { MissingPersonRow } from '../db/schema.js';


export interface MissingPersonFilter {
  status?: MissingPersonRow['status'] | null;
  municipality?: string | null;
  disappearedFrom?: string | null;
  disappearedTo?: string | null;
}

/** Earliest disappearance first; the case number breaks ties and keeps the key unique. */
const BY_DISAPPEARANCE: KeysetOrder<MissingPersonRow> = {
  direction: 'asc',
  key: [keyPart(missingPersons.disappearanceDate, sql`date`, isIsoDate, (row) => row.disappearanceDate), keyPart(missingPersons.caseNumber, sql`text`, anyText, (row) => row.caseNumber)],
};





export type { MissingPersonRow };

export function createMissingPersonStore(db: ForensicsDb) {
  return {
    connection(filter: MissingPersonFilter,
      args: PageArgs,
    ): Promise<Connection<MissingPersonRow>> {
      checkPeriodBounds(filter.disappearedFrom, filter.disappearedTo, {
        from: 'filter.disappearedFrom',
        to: 'filter.disappearedTo',
      });
      const matching = and(
        filter.status != null ? eq(missingPersons.status, filter.status) : undefined,
        filter.municipality != null ? eq(missingPersons.municipality, filter.municipality) : undefined,
        filter.disappearedFrom != null ? gte(missingPersons.disappearanceDate, filter.disappearedFrom) : undefined,
        filter.disappearedTo != null ? lte(missingPersons.disappearanceDate, filter.disappearedTo) : undefined,
      );
      return keysetConnection(
        args,
        BY_DISAPPEARANCE,
        ({ after, orderBy, limit }) =>
          db.select().from(missingPersons).where(and(matching, after)).orderBy(...orderBy).limit(limit),
        () => db.$count(missingPersons, matching),
      );
    },

    byIds(ids: readonly string[]): Promise<MissingPersonRow[]> {
      return db.select().from(missingPersons).where(inArray(missingPersons.id, [...ids]));
    },

    /** Records a new case (status MISSING); a taken case number is a CONFLICT. */
    async record(input: ReturnType<typeof checkMissingPersonInput>, on: ForensicsDb = db): Promise<MissingPersonRow> {
      try {
        return await on.transaction(async (tx) => {
          const [row] = await tx
            .insert(missingPersons)
            .values({ id: randomUUID(), status: 'MISSING', ...input })
            .returning();
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, MISSING_PERSON_VIOLATIONS);
      }
    },

    /**
     * Moves a case along its workflow (not to IDENTIFIED: that is an identification's),
     * with the row locked so concurrent moves see each other; CLOSED writes the closure.
     */
    async transition(change: MissingPersonTransition, on: ForensicsDb = db): Promise<MissingPersonRow> {
      try {
        return await on.transaction(async (tx) => {
          const [current] = await tx
            .select({ status: missingPersons.status })
            .from(missingPersons)
            .where(eq(missingPersons.id, change.id))
            .for('update');
          if (!current) throw notFound('MissingPerson', change.id);
          if (!canMoveMissingPerson(current.status, change.status)) {
            throw transitionConflict('MissingPerson', change.id, current.status, change.status);
          }
          const [row] = await tx
            .update(missingPersons)
            .set({ status: change.status, closedOn: change.closedOn, closureReason: change.closureReason })
            .where(eq(missingPersons.id, change.id))
            .returning();
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, MISSING_PERSON_TRANSITION_VIOLATIONS);
      }
    },
  };
}

export type MissingPersonStore = ReturnType<typeof createMissingPersonStore>;
