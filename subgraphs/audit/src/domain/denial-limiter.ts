import type { AuditedEntity, DenialReason } from '@mission-graph/service-kit';
import type { EventContent } from './audit-event.js';

/**
 * Denied attempts are recorded, but a caller hammering a field they may not see must not
 * be able to fill the trail. Per principal and fixed window (default 20 per 60 s), denials
 * are recorded one by one up to the limit; beyond it they are counted, and when the
 * window ends each (principal, reason) gets one DENIED event standing for all of them:
 * `repeatCount` = how many, the union of the coordinates and records they named (up to
 * 1,000 of each), the operation, purpose and document of the first of them. Nothing is
 * dropped without being counted; what a summary cannot say is each attempt's own time
 * and request id.
 */
export interface DenialLimits {
  /** Denials recorded one by one per principal and window. */
  perWindow: number;
  windowSeconds: number;
}

export const DEFAULT_DENIAL_LIMITS: DenialLimits = { perWindow: 20, windowSeconds: 60 };

/** Most coordinates / records one summary lists. */
const SUMMARY_CAP = 1000;

interface Summary {
  first: EventContent;
  count: number;
  coordinates: Set<string>;
  entities: Map<string, AuditedEntity>;
}

interface Window {
  startedAt: number;
  recorded: number;
  summaries: Map<DenialReason, Summary>;
}

export type DenialDecision = 'record' | 'collapse';

export function createDenialLimiter(limits: DenialLimits = DEFAULT_DENIAL_LIMITS) {
  const windows = new Map<string, Window>();
  const windowMs = limits.windowSeconds * 1000;

  const summariesOf = (window: Window): EventContent[] =>
    [...window.summaries.values()].map(({ first, count, coordinates, entities }) => ({
      ...first,
      repeatCount: count,
      fieldCoordinates: [...coordinates],
      entities: [...entities.values()],
      // Many requests: no single one to name.
      requestId: count > 1 ? null : first.requestId,
    }));

  return {
    /**
     * Whether to record this denial now or count it into its principal's summary, and the
     * summaries of that principal's previous window if it has ended (write them first).
     */
    admit(denial: EventContent, nowMs: number): { decision: DenialDecision; due: EventContent[] } {
      let window = windows.get(denial.principal);
      let due: EventContent[] = [];
      if (window && nowMs >= window.startedAt + windowMs) {
        due = summariesOf(window);
        window = undefined;
      }
      if (!window) {
        window = { startedAt: nowMs, recorded: 0, summaries: new Map() };
        windows.set(denial.principal, window);
      }
      if (window.recorded < limits.perWindow) {
        window.recorded += 1;
        return { decision: 'record', due };
      }
      const reason = denial.denialReason!;
      let summary = window.summaries.get(reason);
      if (!summary) {
        summary = { first: denial, count: 0, coordinates: new Set(), entities: new Map() };
        window.summaries.set(reason, summary);
      }
      summary.count += 1;
      for (const coordinate of denial.fieldCoordinates) {
        if (summary.coordinates.size < SUMMARY_CAP) summary.coordinates.add(coordinate);
      }
      for (const entity of denial.entities) {
        if (summary.entities.size < SUMMARY_CAP) summary.entities.set(JSON.stringify(entity), entity);
      }
      return { decision: 'collapse', due };
    },

    /** Summaries of every window that ended by `nowMs` — or of all windows (`everything`, at stop). */
    takeDue(nowMs: number, everything = false): EventContent[] {
      const due: EventContent[] = [];
      for (const [principal, window] of windows) {
        if (everything || nowMs >= window.startedAt + windowMs) {
          due.push(...summariesOf(window));
          windows.delete(principal);
        }
      }
      return due;
    },
  };
}

export type DenialLimiter = ReturnType<typeof createDenialLimiter>;
