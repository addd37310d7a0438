import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { AccessRules, Caller } from '@mission-graph/service-kit';
import type { Disclosures } from '../operation/response.js';
import type { AuditEventInput, AuditSink } from './audit-sink.js';
import { breakGlassInvoked, DenialRecorder } from './denials.js';
import { personalData, type PersonalData } from './personal-data.js';

/**
 * Accountable access: every response that discloses personal data, and every
 * mutation, is recorded in the audit trail — who, when, which operation, why, which
 * fields of which records — *before* the response is sent. If the record cannot be
 * written, the response is not sent either (fail closed).
 *
 * What a response discloses is read off the response itself, in the gateway's one
 * walk over it (operation/response.ts), with the record ids from the hidden
 * selections the gateway added (operation/shape.ts).
 */
export interface RequestFacts {
  caller: Caller;
  operationName: string | null;
  /** The document as the client sent it. */
  source: string;
  isMutation: boolean;
  /** `Mutation.<field>` of every mutation root field that ran. */
  mutationFields: readonly string[];
}

export class Auditor {
  readonly personal: PersonalData;
  /** Refused attempts (DENIED events): denials.ts. */
  readonly denials: DenialRecorder;

  constructor(
    rules: AccessRules,
    private readonly sink: AuditSink,
  ) {
    this.personal = personalData(rules);
    this.denials = new DenialRecorder(sink);
  }

  /**
   * Records what the response discloses. Throws an `AUDIT_UNAVAILABLE` error when an
   * event is due and could not be written.
   */
  async record(disclosed: Disclosures, request: RequestFacts): Promise<void> {
    const { isMutation } = request;
    if (!isMutation && disclosed.personalCoordinates.length === 0 && disclosed.personalEntities.length === 0) return;

    const { caller } = request;
    // Everything done under break-glass is flagged for review, whatever the payload shows.
    const breakGlass = breakGlassInvoked(caller);
    const event: AuditEventInput = {
      kind: isMutation ? 'MUTATION' : 'DISCLOSURE',
      principal: caller.subject ?? 'anonymous',
      clientId: caller.clientId ?? null,
      operationName: request.operationName,
      documentHash: createHash('sha256').update(request.source).digest('hex'),
      purpose: caller.purpose ?? null,
      breakGlassJustification: breakGlass ?? null,
      fieldCoordinates: [...new Set([...request.mutationFields, ...disclosed.personalCoordinates])],
      entities: isMutation ? disclosed.allEntities : disclosed.personalEntities,
      requestId: caller.requestId ?? null,
    };
    try {
      await this.sink.record(event);
    } catch (error) {
      console.error('audit event could not be recorded; response withheld:', error);
      throw new GraphQLError(
        isMutation
          ? 'The mutation ran but could not be recorded in the audit trail; its result is withheld. Check its effect before retrying.'
          : 'The response discloses personal data and could not be recorded in the audit trail; it was not sent.',
        { extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } } },
      );
    }
  }
}
