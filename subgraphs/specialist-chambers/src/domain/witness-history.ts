import type { RelocationRow, ThreatAssessmentRow } from '../db/schema.js';

/** One event of a witness's history, tagged with its GraphQL type. */
export type WitnessEventRow =
  | (ThreatAssessmentRow & { __typename: 'ThreatAssessment' })
  | (RelocationRow & { __typename: 'Relocation' });

/** Newest first: later day first, and on one day the greater id first. */
export function compareNewestFirst(a: WitnessEventRow, b: WitnessEventRow): number {
  if (a.occurredOn !== b.occurredOn) return a.occurredOn < b.occurredOn ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

/** The history of one witness: its assessments and relocations in one list, newest first. */
export function witnessHistory(
  assessments: readonly ThreatAssessmentRow[],
  relocations: readonly RelocationRow[],
): WitnessEventRow[] {
  return [
    ...assessments.map((row) => ({ ...row, __typename: 'ThreatAssessment' as const })),
    ...relocations.map((row) => ({ ...row, __typename: 'Relocation' as const })),
  ].sort(compareNewestFirst);
}
