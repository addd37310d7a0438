import { and, eq, gte, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import {
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  isIsoDate,
  isUuid,
  type Connection,
  type PageArgs,
} from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { identifications } from '../db/schema.js';
import { keysetPage, type KeysetOrder } from './keyset.js';

/** All SQL about identifications of individuals from mortal remains. */
export type IdentificationRow = typeof identifications.$inferSelect;

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
  columns: [identifications.identifiedOn, identifications.id],
  parts: [isIsoDate, isUuid],
  direction: 'desc',
  keyOf: (row) => [row.identifiedOn, row.id],
};

export function listIdentifications(
  db: ForensicsDb,
  filter: IdentificationFilter,
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
  return keysetPage(
    args,
    NEWEST_FIRST,
    (after, orderBy, limit) =>
      db.select().from(identifications).where(and(matching, after)).orderBy(...orderBy).limit(limit),
    () => db.$count(identifications, matching),
  );
}

export function identificationsByRemainsIds(
  db: ForensicsDb,
  remainsIds: readonly string[],
): Promise<IdentificationRow[]> {
  return db.select().from(identifications).where(inArray(identifications.remainsId, [...remainsIds]));
}

export async function identificationsByMissingPersonIds(
  db: ForensicsDb,
  missingPersonIds: readonly string[],
): Promise<(IdentificationRow & { missingPersonId: string })[]> {
  const rows = await db
    .select()
    .from(identifications)
    .where(inArray(identifications.missingPersonId, [...missingPersonIds]));
  return rows.filter(
    (row): row is IdentificationRow & { missingPersonId: string } => row.missingPersonId !== null,
  );
}
