import DataLoader from 'dataloader';
import type { CallerContext } from '@mission-graph/service-kit';
import type { AuditEventRow } from './db/schema.js';
import type { Trail } from './trail.js';

/** What every resolver of one request sees (the kit adds the caller). */
export interface AuditContext extends Partial<CallerContext> {
  trail: Trail;
  loaders: AuditLoaders;
}

export interface AuditLoaders {
  /** The OUTCOME that closed an INTENT, or null. */
  outcomeOf: DataLoader<string, AuditEventRow | null>;
  /** The REVIEW of a break-glass event, or null. */
  reviewOf: DataLoader<string, AuditEventRow | null>;
}

/** Per request (never module scope): one statement per batch of events on a page. */
export function createLoaders(trail: Trail): AuditLoaders {
  const followUp = (keyOf: (row: AuditEventRow) => string | null) =>
    new DataLoader<string, AuditEventRow | null>(async (ids) => {
      const byId = new Map<string, AuditEventRow>();
      for (const row of await trail.events.followUps(ids)) {
        const key = keyOf(row);
        if (key) byId.set(key, row);
      }
      return ids.map((id) => byId.get(id) ?? null);
    });
  return {
    outcomeOf: followUp((row) => (row.kind === 'OUTCOME' ? row.intentId : null)),
    reviewOf: followUp((row) => (row.kind === 'REVIEW' ? row.reviewedEventId : null)),
  };
}
