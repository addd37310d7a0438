import { rethrowAsTypedError } from '@mission-graph/service-kit';
import {
  isInstant,
  tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { incidents, type OperationsDb } from '../db/schema.js';
import type { IncidentReport } from '../domain/incident.js';
import { instantWithin, type DayRange } from './day-range-sql.js';
import { incidentTimelines } from './incident-events.js';
import { onlyRow } from './rows.js';
import { OPERATIONS_VIOLATIONS } from './violations.js';
import type { IncidentRow } from '../db/schema.js';



export interface IncidentFilter extends DayRange {
  kind?: IncidentRow['kind'] | null;
  municipality?: string | null;
}

function matching(filter: IncidentFilter): SQL | undefined {
  return and(
    ...instantWithin(incidents.occurredAt, filter),
    filter.kind ? eq(incidents.kind, filter.kind) : undefined,
    filter.municipality ? eq(incidents.municipality, filter.municipality) : undefined,
  );
}

/** Newest first by `occurredAt`, the id breaking ties; the cursor is `(occurredAt, id)`. */
const INCIDENTS_ORDER: KeysetOrder<typeof incidents.$inferSelect> = {
  direction: 'desc',
  key: [keyPart(incidents.occurredAt, sql`timestamptz`, isInstant, (row) => row.occurredAt), idPart(incidents.id)],
};

export function createIncidentStore(db: OperationsDb) {
  return {
    /** Kosovo Police report an incident (on `on`: the store's database, or a caller's transaction). */
    async report(report: IncidentReport, on: OperationsDb = db): Promise<IncidentRow> {
      const values = { id: randomUUID(), ...report };
      try {
        return await on.transaction(async (tx) => onlyRow(await tx.insert(incidents).values(values).returning()));
      } catch (error) {
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
      }
    },

    timelines: (ids: readonly string[]) => incidentTimelines(db, ids),

    byIds: (ids: readonly string[]): Promise<IncidentRow[]> =>
      db.select().from(incidents).where(inArray(incidents.id, [...ids])),

    /** Newest first; the cursor is `(occurredAt, id)`. */
    async connection(filter: IncidentFilter, args: PageArgs) {
      const where = matching(filter);
      return tableConnection(db, incidents, INCIDENTS_ORDER, where, args);
    },
  };
}

export type { IncidentRow };

export type IncidentStore = ReturnType<typeof createIncidentStore>;
