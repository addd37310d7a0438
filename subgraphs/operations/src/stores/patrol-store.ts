import { rethrowAsTypedError } from '@mission-graph/service-kit';
import {
  isInstant,
  tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { notFound, rowsOf, type Period } from '@mission-graph/service-kit';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { formedPoliceUnits, patrols, type OperationsDb } from '../db/schema.js';
import type { CheckedPatrolLog } from '../domain/patrol.js';
import type { ShiftPattern } from '../domain/shift-pattern.js';
import { instantWithin, type DayRange } from './day-range-sql.js';
import { onlyRow } from './rows.js';
import { OPERATIONS_VIOLATIONS } from './violations.js';
import type { PatrolRow } from '../db/schema.js';



/** Coverage of a period by patrols on duty; hours as fractions where gaps are partial. */
export interface PatrolCoverageRow {
  from: string;
  to: string;
  totalHours: number;
  coveredHours: number;
  uncoveredHours: number;
  gaps: { start: string; end: string; hours: number }[];
}

export interface PatrolFilter extends DayRange {
  area?: string | null;
}

function matching(filter: PatrolFilter): SQL | undefined {
  return and(...instantWithin(patrols.shiftStart, filter), filter.area ? eq(patrols.area, filter.area) : undefined);
}

/** Newest first by `shiftStart`, the id breaking ties; the cursor is `(shiftStart, id)`. */
const PATROLS_ORDER: KeysetOrder<typeof patrols.$inferSelect> = {
  direction: 'desc',
  key: [keyPart(patrols.shiftStart, sql`timestamptz`, isInstant, (row) => row.shiftStart), idPart(patrols.id)],
};

export function createPatrolStore(db: OperationsDb, shiftPattern: ShiftPattern) {
  return {
    /** The shift pattern patrols are logged in (PATROL_SHIFT_HOURS). */
    shiftPattern,

    /** Logs one shift (on `on`: the store's database, or a caller's transaction). */
    async log(shift: CheckedPatrolLog, on: OperationsDb = db): Promise<PatrolRow> {
      const values = { id: randomUUID(), ...shift };
      try {
        return await on.transaction(async (tx) => {
          const [unit] = await tx.select({ id: formedPoliceUnits.id }).from(formedPoliceUnits);
          if (!unit) throw notFound('FormedPoliceUnit', 'EULEX_FPU');
          return onlyRow(await tx.insert(patrols).values({ ...values, unitId: unit.id }).returning());
        });
      } catch (error) {
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
      }
    },

    byIds: (ids: readonly string[]): Promise<PatrolRow[]> => db.select().from(patrols).where(inArray(patrols.id, [...ids])),

    /**
     * Covered hours and every gap of a period (UTC days, both inclusive), in one
     * statement: the shifts on duty merge into a multirange, the gaps are the period
     * less that multirange. A shift lasts at most a day (constraint), which bounds the
     * index range scanned.
     */
    async coverage({ from, to }: Period): Promise<PatrolCoverageRow> {
      const result = await db.execute(sql`
        with bounds as (
          select (${from}::date::timestamp at time zone 'UTC') as lo,
                 ((${to}::date + 1)::timestamp at time zone 'UTC') as hi
        ),
        covered as (
          select coalesce((
            select range_agg(tstzrange(greatest(p.shift_start, b.lo), least(p.shift_end, b.hi)))
            from ${patrols} p
            where p.shift_start >= b.lo - interval '24 hours' and p.shift_start < b.hi and p.shift_end > b.lo
          ), '{}'::tstzmultirange) as m
          from bounds b
        ),
        gaps as (
          select lower(g) as start, upper(g) as "end"
          from bounds b, covered c, unnest(tstzmultirange(tstzrange(b.lo, b.hi)) - c.m) as g
        )
        select
          extract(epoch from b.hi - b.lo)::float8 / 3600 as "totalHours",
          coalesce((select sum(extract(epoch from upper(r) - lower(r))) from unnest(c.m) as r), 0)::float8 / 3600 as "coveredHours",
          coalesce((select json_agg(json_build_object(
              'start', to_char(g.start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'end', to_char(g."end" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'hours', extract(epoch from g."end" - g.start)::float8 / 3600) order by g.start)
            from gaps g), '[]'::json) as gaps
        from bounds b, covered c`);
      const [row] = rowsOf<Omit<PatrolCoverageRow, 'from' | 'to' | 'uncoveredHours'>>(result);
      if (!row) throw new Error('coverage returned no row');
      const gaps = typeof row.gaps === 'string' ? (JSON.parse(row.gaps) as PatrolCoverageRow['gaps']) : row.gaps;
      const totalHours = Number(row.totalHours);
      const coveredHours = Number(row.coveredHours);
      return { from, to, totalHours, coveredHours, uncoveredHours: totalHours - coveredHours, gaps };
    },

    /** Latest shift first; the cursor is `(shiftStart, id)`. */
    async connection(filter: PatrolFilter, args: PageArgs) {
      const where = matching(filter);
      return tableConnection(db, patrols, PATROLS_ORDER, where, args);
    },
  };
}

export type { PatrolRow };

export type PatrolStore = ReturnType<typeof createPatrolStore>;
