import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
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
import { fieldOperations, graveSites } from '../db/schema.js';
import type { checkFieldOperationInput } from '../domain/records.js';
import { FIELD_OPERATION_VIOLATIONS } from './violations.js';
import type { FieldOperationRow } from '../db/schema.js';


export interface FieldOperationFilter {
  kind?: FieldOperationRow['kind'] | null;
  /** Started on or after this day. */
  from?: string | null;
  /** Started on or before this day. */
  to?: string | null;
}

/** Most recently started first; the id breaks ties. */
const NEWEST_FIRST: KeysetOrder<FieldOperationRow> = {
  direction: 'desc',
  key: [keyPart(fieldOperations.startedOn, sql`date`, isIsoDate, (row) => row.startedOn), idPart(fieldOperations.id)],
};





export type { FieldOperationRow };

export function createFieldOperationStore(db: ForensicsDb) {
  return {
    connection(filter: FieldOperationFilter,
      args: PageArgs,
    ): Promise<Connection<FieldOperationRow>> {
      checkPeriodBounds(filter.from, filter.to, FILTER_PERIOD_ARGUMENTS);
      const matching = and(
        filter.kind != null ? eq(fieldOperations.kind, filter.kind) : undefined,
        filter.from != null ? gte(fieldOperations.startedOn, filter.from) : undefined,
        filter.to != null ? lte(fieldOperations.startedOn, filter.to) : undefined,
      );
      return keysetConnection(
        args,
        NEWEST_FIRST,
        ({ after, orderBy, limit }) =>
          db.select().from(fieldOperations).where(and(matching, after)).orderBy(...orderBy).limit(limit),
        () => db.$count(fieldOperations, matching),
      );
    },

    byIds(ids: readonly string[]): Promise<FieldOperationRow[]> {
      return db.select().from(fieldOperations).where(inArray(fieldOperations.id, [...ids]));
    },

    /** The operations at each of the given sites, newest first (a site sees a handful). */
    async bySiteIds(siteIds: readonly string[],
    ): Promise<(FieldOperationRow & { siteId: string })[]> {
      const rows = await db
        .select()
        .from(fieldOperations)
        .where(inArray(fieldOperations.siteId, [...siteIds]))
        .orderBy(desc(fieldOperations.startedOn), desc(fieldOperations.id));
      return rows.filter((row): row is FieldOperationRow & { siteId: string } => row.siteId !== null);
    },

    /**
     * Records a field operation. Its site, when given, must be a recorded grave site
     * (NOT_FOUND otherwise); digging without a site is refused before (domain) and by the
     * database (`field_operations_digging_needs_site`).
     */
    async record(input: ReturnType<typeof checkFieldOperationInput>, on: ForensicsDb = db): Promise<FieldOperationRow> {
      const { siteId } = input;
      try {
        return await on.transaction(async (tx) => {
          if (siteId !== null) {
            const [site] = await tx.select({ id: graveSites.id }).from(graveSites).where(eq(graveSites.id, siteId)).for('share');
            if (!site) throw notFound('GraveSite', siteId);
          }
          const [row] = await tx.insert(fieldOperations).values({ id: randomUUID(), ...input }).returning();
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...FIELD_OPERATION_VIOLATIONS,
          field_operations_site_id_grave_sites_id_fk: () => notFound('GraveSite', siteId ?? ''),
        });
      }
    },
  };
}

export type FieldOperationStore = ReturnType<typeof createFieldOperationStore>;
