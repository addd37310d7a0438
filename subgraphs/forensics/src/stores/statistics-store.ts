import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Period } from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import type { FieldOperationKind } from '../db/schema.js';
import type { StatisticsDimension } from '../domain/statistics.js';

/** One group of `forensicsStatistics`: its key (null where not grouped) and its counts. */
export interface StatisticsGroupRow {
  year: number | null;
  municipality: string | null;
  operationKind: FieldOperationKind | null;
  fieldOperations: number;
  exhumations: number;
  individualsIdentified: number;
  missingPersonsIdentified: number;
}

/** Each dimension's key expression over the `events` relation below. */
const KEY_OF: Record<StatisticsDimension, { column: string; key: SQL }> = {
  YEAR: { column: 'year', key: sql`extract(year from e.day)::int` },
  MUNICIPALITY: { column: 'municipality', key: sql`e.municipality` },
  OPERATION_KIND: { column: 'operationKind', key: sql`e.operation_kind::text` },
};

export function createStatisticsStore(db: ForensicsDb) {
  return {
    /**
     * Forensics figures of a period (both days inclusive) grouped by the given dimensions,
     * counted in one SQL statement. Field operations count by the day they started, at
     * their site's municipality; identifications by the day they were confirmed, attributed
     * to the operation that recovered the remains (its year is not used: the year is the
     * identification's) and that operation's site. Without dimensions: one group, the totals
     * (the same figures as `MissionReport.forensics`).
     */
    async statistics(period: Period,
      groupBy: readonly StatisticsDimension[],
    ): Promise<StatisticsGroupRow[]> {
      const keys = (Object.keys(KEY_OF) as StatisticsDimension[]).map((dimension) =>
        groupBy.includes(dimension)
          ? sql`${KEY_OF[dimension].key} as ${sql.identifier(KEY_OF[dimension].column)}`
          : sql`null as ${sql.identifier(KEY_OF[dimension].column)}`,
      );
      const grouped = groupBy.map((dimension) => KEY_OF[dimension].key);
      const groupClause = grouped.length > 0 ? sql`group by ${sql.join(grouped, sql`, `)}` : sql``;
      const orderClause =
        grouped.length > 0 ? sql`order by ${sql.join(grouped.map((key) => sql`${key} nulls last`), sql`, `)}` : sql``;
      const result = await db.execute(sql`
        with events as (
          select o.started_on as day, s.municipality, o.kind as operation_kind,
            true as is_operation, null::uuid as missing_person_id
          from forensics.field_operations o
            left join forensics.grave_sites s on s.id = o.site_id
          where o.started_on between ${period.from}::date and ${period.to}::date
          union all
          select i.identified_on, s.municipality, o.kind, false, i.missing_person_id
          from forensics.identifications i
            join forensics.mortal_remains r on r.id = i.remains_id
            left join forensics.field_operations o on o.id = r.recovered_by_operation_id
            left join forensics.grave_sites s on s.id = o.site_id
          where i.identified_on between ${period.from}::date and ${period.to}::date)
        select ${sql.join(keys, sql`, `)},
          count(*) filter (where e.is_operation)::int as "fieldOperations",
          count(*) filter (where e.is_operation and e.operation_kind = 'EXHUMATION')::int as "exhumations",
          count(*) filter (where not e.is_operation)::int as "individualsIdentified",
          count(*) filter (where not e.is_operation and e.missing_person_id is not null)::int as "missingPersonsIdentified"
        from events e
        ${groupClause}
        ${orderClause}`);
      return rowsOf<StatisticsGroupRow>(result);
    },
  };
}

export type StatisticsStore = ReturnType<typeof createStatisticsStore>;
