import { sql } from 'drizzle-orm';
import { rowsOf, type Period } from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { fieldOperations, identifications } from '../db/schema.js';

/** The forensics part of the cross-pillar mission report: counts only, never rows. */
export interface ForensicsFigures extends Period {
  fieldOperations: number;
  exhumations: number;
  individualsIdentified: number;
  missingPersonsIdentified: number;
}

export function createMissionReportStore(db: ForensicsDb) {
  return {
    /**
     * Figures of several periods in one statement: field operations count by the day
     * they started, identifications by the day they were confirmed, both bounds inclusive.
     */
    async figuresForPeriods(periods: readonly Period[],
    ): Promise<ForensicsFigures[]> {
      const values = sql.join(
        periods.map((period) => sql`(${period.from}::date, ${period.to}::date)`),
        sql`, `,
      );
      const result = await db.execute(sql`
        select p.period_from::text as "from", p.period_to::text as "to",
          o.field_operations as "fieldOperations", o.exhumations,
          i.individuals_identified as "individualsIdentified",
          i.missing_persons_identified as "missingPersonsIdentified"
        from (values ${values}) as p(period_from, period_to)
        cross join lateral (
          select count(*)::int as field_operations,
            count(*) filter (where ${fieldOperations.kind} = 'EXHUMATION')::int as exhumations
          from ${fieldOperations}
          where ${fieldOperations.startedOn} between p.period_from and p.period_to) as o
        cross join lateral (
          select count(*)::int as individuals_identified,
            count(*) filter (where ${identifications.missingPersonId} is not null)::int as missing_persons_identified
          from ${identifications}
          where ${identifications.identifiedOn} between p.period_from and p.period_to) as i`);
      return rowsOf<ForensicsFigures>(result);
    },
  };
}

export type MissionReportStore = ReturnType<typeof createMissionReportStore>;
