import { badUserInput, conflict, requireDate, requireUuid } from '@mission-graph/service-kit';
import type { GraphQLError } from 'graphql';
import type { SupportRequestRow } from '../db/schema.js';

export type SupportRequestStatus = SupportRequestRow['status'];
export type SupportRequestKind = SupportRequestRow['kind'];
export type SupportRequestInstitution = SupportRequestRow['institution'];

/**
 * The workflow of a support request: requested → approved or declined, approved →
 * in progress → completed. DECLINED and COMPLETED are final. The database holds the
 * same table (CHECK `support_request_transitions_legal`, trigger
 * `support_requests_status_transition`).
 */
export const SUPPORT_REQUEST_TRANSITIONS: Readonly<Record<SupportRequestStatus, readonly SupportRequestStatus[]>> = {
  REQUESTED: ['APPROVED', 'DECLINED'],
  APPROVED: ['IN_PROGRESS'],
  DECLINED: [],
  IN_PROGRESS: ['COMPLETED'],
  COMPLETED: [],
};

/** CONFLICT naming both states when `requested` is not a legal next status of `current`. */
export function illegalSupportRequestTransition(current: SupportRequestStatus, requested: SupportRequestStatus): GraphQLError {
  const next = SUPPORT_REQUEST_TRANSITIONS[current];
  return conflict(
    `A support request in status ${current} cannot move to ${requested}; ` +
      (next.length > 0 ? `it can move to ${next.join(' or ')}` : `${current} is final`),
    { currentStatus: current, requestedStatus: requested },
  );
}

export function checkSupportRequestTransition(current: SupportRequestStatus, requested: SupportRequestStatus): void {
  if (!SUPPORT_REQUEST_TRANSITIONS[current].includes(requested)) {
    throw illegalSupportRequestTransition(current, requested);
  }
}

/** The prefix of an institution's references: KSC for the Chambers, SPO for the Prosecutor's Office. */
export const REFERENCE_PREFIX: Readonly<Record<SupportRequestInstitution, 'KSC' | 'SPO'>> = {
  KOSOVO_SPECIALIST_CHAMBERS: 'KSC',
  SPECIALIST_PROSECUTORS_OFFICE: 'SPO',
};

/** Only operational support is given through a deployment. */
export function checkDeploymentLink(kind: SupportRequestKind, deploymentId: unknown, argument: string): string | null {
  if (deploymentId === null || deploymentId === undefined) return null;
  const id = requireUuid(deploymentId, argument);
  if (kind !== 'OPERATIONAL') {
    throw badUserInput(argument, `only an OPERATIONAL support request can be linked to a deployment; this one is ${kind}`);
  }
  return id;
}

export interface SubmitSupportRequestInput {
  reference: string;
  institution: SupportRequestInstitution;
  kind: SupportRequestKind;
  title: string;
  description: string;
  requestedOn: string;
  deploymentId?: string | null;
}

export interface NewSupportRequest {
  reference: string;
  institution: SupportRequestInstitution;
  kind: SupportRequestKind;
  title: string;
  description: string;
  requestedOn: string;
  deploymentId: string | null;
}

/** Checks a submission field by field (the same rules as the table's CHECKs), trimmed. */
export function checkSubmission(input: SubmitSupportRequestInput): NewSupportRequest {
  const reference = input.reference.trim();
  const prefix = REFERENCE_PREFIX[input.institution];
  if (!/^(KSC|SPO)-[0-9]{4}-[0-9]{4}$/.test(reference)) {
    throw badUserInput('input.reference', `must look like "${prefix}-2025-0042" (prefix, year, four digits); got ${JSON.stringify(input.reference)}`);
  }
  if (!reference.startsWith(`${prefix}-`)) {
    throw badUserInput('input.reference', `a reference of ${input.institution} starts with ${prefix}-; got ${reference}`);
  }
  const title = input.title.trim();
  if (title.length < 1 || title.length > 200) {
    throw badUserInput('input.title', `must have 1 to 200 characters (trimmed); got ${title.length}`);
  }
  const description = input.description.trim();
  if (description.length === 0) throw badUserInput('input.description', 'must not be blank');
  return {
    reference,
    institution: input.institution,
    kind: input.kind,
    title,
    description,
    requestedOn: requireDate(input.requestedOn, 'input.requestedOn'),
    deploymentId: checkDeploymentLink(input.kind, input.deploymentId, 'input.deploymentId'),
  };
}

/** An optional note on a transition (e.g. why a request was declined): trimmed, 1 to 2,000 characters. */
export function checkNote(note: string | null | undefined, argument: string): string | null {
  if (note === null || note === undefined) return null;
  const trimmed = note.trim();
  if (trimmed.length < 1 || trimmed.length > 2000) {
    throw badUserInput(argument, `must have 1 to 2000 characters (trimmed) when given; got ${trimmed.length}`);
  }
  return trimmed;
}
