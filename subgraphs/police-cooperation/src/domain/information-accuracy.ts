import type { InformationAccuracy } from '../db/schema.js';

/**
 * The accuracy grades of the evaluation code (the manual's 1–4) as GraphQL names them.
 * The database keeps the digits (they make `evaluationCode`, e.g. `B2`); the graph shows
 * the names: this is the one place that translates.
 */
export type InformationAccuracyName = 'NOT_IN_DOUBT' | 'KNOWN_TO_SOURCE' | 'CORROBORATED' | 'NOT_CORROBORATED';

export const ACCURACY_GRADE: Readonly<Record<InformationAccuracyName, InformationAccuracy>> = {
  NOT_IN_DOUBT: '1',
  KNOWN_TO_SOURCE: '2',
  CORROBORATED: '3',
  NOT_CORROBORATED: '4',
};

export const ACCURACY_NAME: Readonly<Record<InformationAccuracy, InformationAccuracyName>> = {
  '1': 'NOT_IN_DOUBT',
  '2': 'KNOWN_TO_SOURCE',
  '3': 'CORROBORATED',
  '4': 'NOT_CORROBORATED',
};
