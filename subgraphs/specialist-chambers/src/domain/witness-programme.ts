import { badUserInput, conflict, requireDate } from '@mission-graph/service-kit';
import type { GraphQLError } from 'graphql';
import type { ProtectedWitnessRow } from '../db/schema.js';

export type WitnessStatus = ProtectedWitnessRow['status'];
export type RiskLevel = ProtectedWitnessRow['riskLevel'];

/**
 * The programme's workflow: REFERRED → ASSESSED → ADMITTED → RELOCATED, and from any
 * of these to EXITED, which is final (the file is closed, never erased). The database
 * holds the same table (trigger `protected_witnesses_status_transition`).
 * ADMITTED → RELOCATED happens by recording a relocation (`recordRelocation`).
 */
export const WITNESS_TRANSITIONS: Readonly<Record<WitnessStatus, readonly WitnessStatus[]>> = {
  REFERRED: ['ASSESSED', 'EXITED'],
  ASSESSED: ['ADMITTED', 'EXITED'],
  ADMITTED: ['RELOCATED', 'EXITED'],
  RELOCATED: ['EXITED'],
  EXITED: [],
};

/** What a witness's file holds that a transition depends on. */
export interface WitnessFile {
  threatAssessments: number;
  relocations: number;
}

function illegalWitnessTransition(current: WitnessStatus, requested: WitnessStatus, why: string, reason: string): GraphQLError {
  return conflict(`A protected witness in status ${current} cannot move to ${requested}: ${why}`, {
    currentStatus: current,
    requestedStatus: requested,
    reason,
  });
}

/**
 * A transition is legal when the table allows it and the file supports it: assessed
 * and admitted witnesses need a threat assessment (admission requires one), relocated
 * ones a recorded relocation.
 */
export function checkWitnessTransition(current: WitnessStatus, requested: WitnessStatus, file: WitnessFile): void {
  const next = WITNESS_TRANSITIONS[current];
  if (!next.includes(requested)) {
    throw illegalWitnessTransition(
      current,
      requested,
      next.length > 0 ? `it can move to ${next.join(' or ')}` : `${current} is final, the file is closed`,
      'ILLEGAL_TRANSITION',
    );
  }
  if ((requested === 'ASSESSED' || requested === 'ADMITTED') && file.threatAssessments === 0) {
    throw illegalWitnessTransition(current, requested, 'no threat assessment has been recorded (recordThreatAssessment)', 'THREAT_ASSESSMENT_REQUIRED');
  }
  if (requested === 'RELOCATED' && file.relocations === 0) {
    throw illegalWitnessTransition(current, requested, 'no relocation has been recorded (recordRelocation)', 'RELOCATION_REQUIRED');
  }
}

/** Nothing is added to the file of a witness who has exited. */
export function checkWitnessOpen(status: WitnessStatus, action: string): void {
  if (status === 'EXITED') {
    throw conflict(`Cannot ${action}: the protected witness has EXITED and the file is closed`, {
      currentStatus: status,
      reason: 'WITNESS_EXITED',
    });
  }
}

/** Relocations are for admitted witnesses (ADMITTED, or already RELOCATED). */
export function checkRelocatable(status: WitnessStatus): void {
  checkWitnessOpen(status, 'record a relocation');
  if (status !== 'ADMITTED' && status !== 'RELOCATED') {
    throw conflict(`A protected witness in status ${status} cannot be relocated: only ADMITTED or RELOCATED witnesses are`, {
      currentStatus: status,
      requestedStatus: 'RELOCATED',
      reason: 'NOT_ADMITTED',
    });
  }
}

const notBlank = (value: string, argument: string, max: number): string => {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) {
    throw badUserInput(argument, `must have 1 to ${max} characters (trimmed); got ${trimmed.length}`);
  }
  return trimmed;
};

/** A programme event is dated on or after the referral and not before 2000. */
export function checkEventDate(occurredOn: string, referredOn: string, argument: string): string {
  const day = requireDate(occurredOn, argument);
  if (day < referredOn) throw badUserInput(argument, `must not precede the referral (${referredOn}); got ${day}`);
  return day;
}

export interface ReferWitnessInput {
  codename: string;
  riskLevel: RiskLevel;
  referredOn: string;
  identity: { fullName: string; dateOfBirth: string; currentLocation: string };
}

/** Messages name the argument, never the value given for identity fields. */
export function checkReferral(input: ReferWitnessInput): ReferWitnessInput {
  const codename = input.codename.trim();
  if (!/^[A-Z]{3,12}-[0-9]{2,3}$/.test(codename)) {
    throw badUserInput('input.codename', `must be an invented word of 3 to 12 capitals and a number, like "KESTREL-07"; got ${JSON.stringify(input.codename)}`);
  }
  const referredOn = requireDate(input.referredOn, 'input.referredOn');
  if (referredOn < '2000-01-01') throw badUserInput('input.referredOn', 'must not be before 2000-01-01');
  const dateOfBirth = requireDate(input.identity.dateOfBirth, 'input.identity.dateOfBirth');
  if (dateOfBirth < '1900-01-01' || dateOfBirth > referredOn) {
    throw badUserInput('input.identity.dateOfBirth', 'must be between 1900-01-01 and the day of referral');
  }
  return {
    codename,
    riskLevel: input.riskLevel,
    referredOn,
    identity: {
      fullName: notBlank(input.identity.fullName, 'input.identity.fullName', 200),
      dateOfBirth,
      currentLocation: notBlank(input.identity.currentLocation, 'input.identity.currentLocation', 200),
    },
  };
}

export function checkAssessmentSummary(summary: string): string {
  return notBlank(summary, 'input.summary', 2000);
}

/** The new place must be given and differ from where the witness lives now. */
export function checkRelocationTarget(currentLocation: string, toLocation: string): string {
  const target = notBlank(toLocation, 'input.toLocation', 200);
  if (target === currentLocation) throw badUserInput('input.toLocation', 'must differ from the current location');
  return target;
}
