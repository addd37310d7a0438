import { notFound } from '@mission-graph/service-kit';
import { eq, sql } from 'drizzle-orm';
import { deployments, formedPoliceUnits, securityResponders, type OperationsDb } from '../db/schema.js';

export interface FormedPoliceUnitRow {
  id: string;
  name: string;
  contributingCountry: string;
  authorizedStrength: number;
  responderTier: number;
  deployedStrength: number;
  availableStrength: number;
}

export function createFormedPoliceUnitStore(db: OperationsDb) {
  return {
    /** The mission's FPU with its strength right now, derived from its open deployments. */
    async theUnit(): Promise<FormedPoliceUnitRow> {
      const deployed = sql`(select coalesce(sum(${deployments.officersCommitted}), 0) from ${deployments}
        where ${deployments.unitId} = ${formedPoliceUnits.id} and ${deployments.endedAt} is null)`;
      const [unit] = await db
        .select({
          id: formedPoliceUnits.id,
          name: formedPoliceUnits.name,
          contributingCountry: formedPoliceUnits.contributingCountry,
          authorizedStrength: formedPoliceUnits.authorizedStrength,
          responderTier: securityResponders.tier,
          deployedStrength: sql<number>`${deployed}::int`,
          availableStrength: sql<number>`(${formedPoliceUnits.authorizedStrength} - ${deployed})::int`,
        })
        .from(formedPoliceUnits)
        .innerJoin(securityResponders, eq(securityResponders.code, formedPoliceUnits.responderCode));
      // The schema allows at most one unit (it must be the EULEX_FPU responder).
      if (!unit) throw notFound('FormedPoliceUnit', 'EULEX_FPU');
      return unit;
    },
  };
}

export type FormedPoliceUnitStore = ReturnType<typeof createFormedPoliceUnitStore>;
