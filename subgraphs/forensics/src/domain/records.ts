import { badUserInput, requireDate } from '@mission-graph/service-kit';
import { MUNICIPALITIES } from './municipalities.js';
import { DISAPPEARANCE_PERIOD, MANDATE_START } from './periods.js';
import type {
  CaseClosureReason,
  FieldOperationKind,
  GraveSiteKind,
  GraveSiteStatus,
  IdentificationMethod,
  MissingPersonStatus,
  MorgueNextAction,
} from '../db/schema.js';

export type { CaseClosureReason, FieldOperationKind, GraveSiteKind, GraveSiteStatus, IdentificationMethod, MorgueNextAction };

/**
 * The rules on what may be recorded, as plain functions: each checks one mutation's
 * input and returns it normalised (text trimmed, defaults filled), or throws
 * BAD_USER_INPUT naming the offending input field. The database holds the same rules
 * as constraints (db/schema.ts, migrations); these answer first, with a clear message.
 */

export const PRISTINA_MORGUE = 'Pristina morgue';

const KNOWN_MUNICIPALITIES = new Set(MUNICIPALITIES.map((m) => m.name));

/** Trimmed text that must not be empty. */
function requireText(value: unknown, argument: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw badUserInput(argument, 'must not be empty');
  return text;
}

/** Trimmed optional text: absent stays null, but given text must not be blank. */
function optionalText(value: unknown, argument: string): string | null {
  return value === undefined || value === null ? null : requireText(value, argument);
}

function optionalDate(value: unknown, argument: string): string | null {
  return value === undefined || value === null ? null : requireDate(value, argument);
}

function requireMunicipality(value: unknown, argument: string): string {
  const name = requireText(value, argument);
  if (!KNOWN_MUNICIPALITIES.has(name)) {
    throw badUserInput(argument, `must be a Kosovo municipality as listed, e.g. "Prizren" or "Pejë/Peć"; got ${JSON.stringify(name)}`);
  }
  return name;
}

/** A day on or after the start of the mandate (field work and identifications happen within it). */
function requireMandateDate(value: unknown, argument: string): string {
  const day = requireDate(value, argument);
  if (day < MANDATE_START) throw badUserInput(argument, `must be on or after ${MANDATE_START}, the start of the mandate; got ${day}`);
  return day;
}

/** The year a reference like `MP-1999-00042` names must be the year of its date. */
function requireYearOf(reference: string, day: string, argument: string, dateArgument: string): void {
  if (reference.slice(3, 7) !== day.slice(0, 4)) {
    throw badUserInput(argument, `must carry the year of ${dateArgument} (${day.slice(0, 4)}); got ${reference}`);
  }
}

function requireFormat(value: unknown, pattern: RegExp, example: string, argument: string): string {
  const text = requireText(value, argument);
  if (!pattern.test(text)) throw badUserInput(argument, `must look like ${example}; got ${JSON.stringify(text)}`);
  return text;
}

export interface MissingPersonInput {
  caseNumber: string;
  disappearanceDate: string;
  municipality: string;
  fullName: string;
  dateOfBirth?: string | null;
  placeLastSeen?: string | null;
  familyContact?: string | null;
}

/**
 * A new missing-person case. The mandate covers persons reported missing for
 * 1998-01-01 – 2000-12-31, whatever their ethnic, religious or national origin; the
 * input has no such field, and nothing of the kind is stored.
 */
export function checkMissingPersonInput(input: MissingPersonInput): Required<MissingPersonInput> {
  const caseNumber = requireFormat(input.caseNumber, /^MP-\d{4}-\d{5}$/, '"MP-1999-00042"', 'input.caseNumber');
  const disappearanceDate = requireDate(input.disappearanceDate, 'input.disappearanceDate');
  const { from, to } = DISAPPEARANCE_PERIOD;
  if (disappearanceDate < from || disappearanceDate > to) {
    throw badUserInput(
      'input.disappearanceDate',
      `must be between ${from} and ${to}: the mandate covers persons reported missing for that period; got ${disappearanceDate}`,
    );
  }
  requireYearOf(caseNumber, disappearanceDate, 'input.caseNumber', 'input.disappearanceDate');
  const dateOfBirth = optionalDate(input.dateOfBirth, 'input.dateOfBirth');
  if (dateOfBirth !== null && dateOfBirth > disappearanceDate) {
    throw badUserInput('input.dateOfBirth', `must not be after the disappearance (${disappearanceDate}); got ${dateOfBirth}`);
  }
  return {
    caseNumber,
    disappearanceDate,
    municipality: requireMunicipality(input.municipality, 'input.municipality'),
    fullName: requireText(input.fullName, 'input.fullName'),
    dateOfBirth,
    placeLastSeen: optionalText(input.placeLastSeen, 'input.placeLastSeen'),
    familyContact: optionalText(input.familyContact, 'input.familyContact'),
  };
}

export interface GraveSiteInput {
  siteCode: string;
  kind: GraveSiteKind;
  status?: GraveSiteStatus | null;
  municipality: string;
  latitude: number;
  longitude: number;
}

export function checkGraveSiteInput(input: GraveSiteInput): Required<GraveSiteInput> & { status: GraveSiteStatus } {
  const siteCode = requireFormat(input.siteCode, /^GS-\d{4,}$/, '"GS-0042"', 'input.siteCode');
  if (!Number.isFinite(input.latitude) || input.latitude < -90 || input.latitude > 90) {
    throw badUserInput('input.latitude', `must be between -90 and 90 degrees; got ${input.latitude}`);
  }
  if (!Number.isFinite(input.longitude) || input.longitude < -180 || input.longitude > 180) {
    throw badUserInput('input.longitude', `must be between -180 and 180 degrees; got ${input.longitude}`);
  }
  return {
    siteCode,
    kind: input.kind,
    status: input.status ?? 'SUSPECTED',
    municipality: requireMunicipality(input.municipality, 'input.municipality'),
    latitude: input.latitude,
    longitude: input.longitude,
  };
}

export interface FieldOperationInput {
  reference: string;
  kind: FieldOperationKind;
  startedOn: string;
  endedOn?: string | null;
  siteId?: string | null;
  partnerInstitutions?: readonly string[] | null;
}

/** Operations that dig, and so must be at a recorded grave site. */
export function digsAtSite(kind: FieldOperationKind): boolean {
  return kind === 'EXCAVATION' || kind === 'EXHUMATION';
}

/** A new field operation; `siteId` is checked as a UUID here, its existence by the store. */
export function checkFieldOperationInput(input: FieldOperationInput): {
  reference: string;
  kind: FieldOperationKind;
  startedOn: string;
  endedOn: string | null;
  siteId: string | null;
  partnerInstitutions: string[];
} {
  const reference = requireFormat(input.reference, /^FO-\d{4}-\d{4,}$/, '"FO-2019-0412"', 'input.reference');
  const startedOn = requireMandateDate(input.startedOn, 'input.startedOn');
  requireYearOf(reference, startedOn, 'input.reference', 'input.startedOn');
  const endedOn = optionalDate(input.endedOn, 'input.endedOn');
  if (endedOn !== null && endedOn < startedOn) {
    throw badUserInput('input.endedOn', `must not be before input.startedOn (${startedOn}); got ${endedOn}`);
  }
  const siteId = input.siteId ?? null;
  if (digsAtSite(input.kind) && siteId === null) {
    throw badUserInput('input.siteId', `is required: an ${input.kind.toLowerCase()} must be at a recorded grave site`);
  }
  const partners = (input.partnerInstitutions ?? []).map((name, index) =>
    requireText(name, `input.partnerInstitutions.${index}`),
  );
  return { reference, kind: input.kind, startedOn, endedOn, siteId, partnerInstitutions: [...new Set(partners)] };
}

export interface MortalRemainsInput {
  reference: string;
  recoveredBy: string;
  heldAt?: string | null;
}

export function checkMortalRemainsInput(input: MortalRemainsInput): { reference: string; recoveredBy: string; heldAt: string } {
  return {
    reference: requireFormat(input.reference, /^MR-\d{5,}$/, '"MR-00042"', 'input.reference'),
    recoveredBy: input.recoveredBy,
    heldAt: optionalText(input.heldAt, 'input.heldAt') ?? PRISTINA_MORGUE,
  };
}

/** Only exhumations recover remains; the other kinds assess, survey or dig to confirm. */
export function recoversRemains(kind: FieldOperationKind): boolean {
  return kind === 'EXHUMATION';
}

export interface MorgueReviewInput {
  remainsId: string;
  reviewedOn: string;
  findings: string;
  nextAction: MorgueNextAction;
}

export function checkMorgueReviewInput(input: MorgueReviewInput): MorgueReviewInput {
  return {
    remainsId: input.remainsId,
    reviewedOn: requireMandateDate(input.reviewedOn, 'input.reviewedOn'),
    findings: requireText(input.findings, 'input.findings'),
    nextAction: input.nextAction,
  };
}

export interface IdentificationInput {
  remainsId: string;
  missingPersonId?: string | null;
  method: IdentificationMethod;
  identifiedOn: string;
  confirmingInstitution: string;
  familyNotifiedOn?: string | null;
}

export function checkIdentificationInput(input: IdentificationInput): {
  remainsId: string;
  missingPersonId: string | null;
  method: IdentificationMethod;
  identifiedOn: string;
  confirmingInstitution: string;
  familyNotifiedOn: string | null;
} {
  const identifiedOn = requireMandateDate(input.identifiedOn, 'input.identifiedOn');
  const familyNotifiedOn = optionalDate(input.familyNotifiedOn, 'input.familyNotifiedOn');
  if (familyNotifiedOn !== null && familyNotifiedOn < identifiedOn) {
    throw badUserInput(
      'input.familyNotifiedOn',
      `must not be before the identification (${identifiedOn}); got ${familyNotifiedOn}`,
    );
  }
  return {
    remainsId: input.remainsId,
    missingPersonId: input.missingPersonId ?? null,
    method: input.method,
    identifiedOn,
    confirmingInstitution: requireText(input.confirmingInstitution, 'input.confirmingInstitution'),
    familyNotifiedOn,
  };
}

/** Today (UTC) as `YYYY-MM-DD`: the latest day a handover or closure may carry. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A day within the mandate and not in the future. */
function requirePastMandateDate(value: unknown, argument: string, today: string): string {
  const day = requireMandateDate(value, argument);
  if (day > today) throw badUserInput(argument, `must not be in the future (today is ${today}); got ${day}`);
  return day;
}

export interface RemainsHandoverInput {
  remainsId: string;
  handedOverOn: string;
  receivingRelative: string;
}

/**
 * The return of remains to the family. The receiving relative is personal data: a
 * refusal names the argument, never the value.
 */
export function checkRemainsHandoverInput(input: RemainsHandoverInput, today = todayUtc()): RemainsHandoverInput {
  const receivingRelative = typeof input.receivingRelative === 'string' ? input.receivingRelative.trim() : '';
  if (receivingRelative.length < 1 || receivingRelative.length > 300) {
    throw badUserInput('input.receivingRelative', `must have 1 to 300 characters (trimmed); got ${receivingRelative.length}`);
  }
  return {
    remainsId: input.remainsId,
    handedOverOn: requirePastMandateDate(input.handedOverOn, 'input.handedOverOn', today),
    receivingRelative,
  };
}

export interface MissingPersonTransitionInput {
  id: string;
  status: MissingPersonStatus;
  closure?: { closedOn: string; reason: CaseClosureReason } | null;
}

/** What a case transition writes: the status, and the closure for CLOSED (null otherwise). */
export interface MissingPersonTransition {
  id: string;
  status: MissingPersonStatus;
  closedOn: string | null;
  closureReason: CaseClosureReason | null;
}

/**
 * A move of a case, checked on its own (its legality from the current status is the
 * store's, under the row's lock): IDENTIFIED only by an identification, CLOSED with a
 * closure and nothing else with one.
 */
export function checkMissingPersonTransitionInput(input: MissingPersonTransitionInput, today = todayUtc()): MissingPersonTransition {
  if (input.status === 'IDENTIFIED') {
    throw badUserInput('input.status', 'a case becomes IDENTIFIED only by recording its identification (recordIdentification)');
  }
  const closure = input.closure ?? null;
  if (input.status === 'CLOSED') {
    if (closure === null) throw badUserInput('input.closure', 'is required to close a case: the day and the reason');
    return {
      id: input.id,
      status: 'CLOSED',
      closedOn: requirePastMandateDate(closure.closedOn, 'input.closure.closedOn', today),
      closureReason: closure.reason,
    };
  }
  if (closure !== null) throw badUserInput('input.closure', `is only for CLOSED; got status ${input.status}`);
  return { id: input.id, status: input.status, closedOn: null, closureReason: null };
}
