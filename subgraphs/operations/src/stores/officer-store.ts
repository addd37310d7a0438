import {
  isOneOf,
  tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, eq } from 'drizzle-orm';
import { officerRank, officers, typeOf, type OfficerRank, type OperationsDb } from '../db/schema.js';
import type { OfficerRow } from '../db/schema.js';


export interface OfficerFilter {
  rank?: OfficerRank | null;
}

/** Most senior rank first (the enum runs junior to senior), the id breaking ties. */
const OFFICERS_ORDER: KeysetOrder<typeof officers.$inferSelect> = {
  direction: 'desc',
  key: [keyPart(officers.rank, typeOf(officerRank), isOneOf(officerRank.enumValues), (row) => row.rank), idPart(officers.id)],
};

export function createOfficerStore(db: OperationsDb) {
  return {
    /**
     * Most senior rank first; the cursor is `(rank, id)`. Not ordered by name or
     * service number: a cursor must not carry personal data.
     */
    async connection(unitId: string, filter: OfficerFilter, args: PageArgs) {
      const where = and(eq(officers.unitId, unitId), filter.rank ? eq(officers.rank, filter.rank) : undefined);
      return tableConnection(db, officers, OFFICERS_ORDER, where, args);
    },
  };
}

export type { OfficerRow };

export type OfficerStore = ReturnType<typeof createOfficerStore>;
