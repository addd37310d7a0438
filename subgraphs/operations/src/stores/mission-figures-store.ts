import { rowsOf, type Period } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import { deployments, exercises, patrols, type OperationsDb } from '../db/schema.js';
import { instantOnDays } from './day-range-sql.js';

/** What operations contributes to a mission report, per period (both days inclusive). */
export interface OperationsFiguresRow {
  from: string;
  to: string;
  patrols: number;
  exercises: number;
  deployments: number;
}

export function createMissionFiguresStore(db: OperationsDb) {
  return {
    /**
     * The figures of several periods in one statement: the periods travel as one JSON
     * parameter, and each count is an index range scan.
     */
    async forPeriods(periods: readonly Period[]): Promise<OperationsFiguresRow[]> {
      const from = sql`p."from"`;
      const to = sql`p."to"`;
      const result = await db.execute(sql`
        select ${from}::text as "from", ${to}::text as "to",
          (select count(*)::int from ${patrols} where ${instantOnDays(patrols.shiftStart, from, to)}) as patrols,
          (select count(*)::int from ${exercises} where ${exercises.startsOn} between ${from} and ${to}) as exercises,
          (select count(*)::int from ${deployments} where ${instantOnDays(deployments.startedAt, from, to)}) as deployments
        from jsonb_to_recordset(${JSON.stringify(periods)}::jsonb) as p("from" date, "to" date)`);
      return rowsOf<OperationsFiguresRow>(result);
    },
  };
}

export type MissionFiguresStore = ReturnType<typeof createMissionFiguresStore>;
