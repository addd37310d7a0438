import type { IncidentKind } from '../db/schema.js';
import { requireText } from './text.js';

/** An incident as Kosovo Police report it. */
export interface IncidentReport {
  kind: IncidentKind;
  occurredAt: string;
  municipality: string;
  description: string;
}

/**
 * A report, normalised: text trimmed and not blank, the instant in one ISO form (UTC,
 * milliseconds), so that a retry naming the same instant differently is the same report.
 */
export function checkIncidentReport(input: IncidentReport): IncidentReport {
  return {
    kind: input.kind,
    occurredAt: new Date(input.occurredAt).toISOString(),
    municipality: requireText(input.municipality, 'input.municipality'),
    description: requireText(input.description, 'input.description'),
  };
}
