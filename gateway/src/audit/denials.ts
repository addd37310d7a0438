import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import {
  BREAK_GLASS_SCOPE,
  DENIAL_REPORT_EXTENSION,
  denialReport,
  type AuditedEntity,
  type Caller,
  type DenialReason,
  type MissingRequirements,
} from '@mission-graph/service-kit';
import type { AuditEventInput, AuditSink } from './audit-sink.js';
import type { RequestFacts } from './auditor.js';

/**
 * Refused attempts are part of the trail (issue 10): who asked, for which coordinates,
 * of which record where it is known, and why it was refused. Three places know of a
 * refusal:
 * - the gateway's cut (fields the caller's scopes, purpose, policies or missing `sub`
 *   do not allow: SCOPE, PURPOSE, POLICY, SUBJECT_REQUIRED, UNAUTHENTICATED);
 * - the request's headers (`X-Break-Glass` without the break-glass scope:
 *   BREAK_GLASS_WITHOUT_SCOPE);
 * - a subgraph, for rules on one record only it can decide (need-to-know on a
 *   protected witness: NEED_TO_KNOW), reported in the refusing error's `extensions` on
 *   the internal channel and taken out here before the client sees it.
 * They are recorded, one DENIED event per reason, before the response leaves; if they
 * cannot be, the response is withheld like a disclosure (AUDIT_UNAVAILABLE). The audit
 * service collapses a principal's flood of them (receipt COLLAPSED), so a caller
 * hammering a refused field neither fills the trail nor slows anyone else.
 */
export interface Denial {
  reason: DenialReason;
  /** `Type.field` refused (`Mutation.field` for a refused mutation). */
  coordinate: string;
  /** The record it was refused on, where known. */
  entity?: AuditedEntity | undefined;
}

/**
 * One reason per refused field, the most fundamental first: without a token nothing
 * else matters; a missing scope is not fixed by a purpose; a token without `sub` is
 * refused personal data whatever purpose it declares.
 */
export function refusalReason(missing: MissingRequirements): DenialReason {
  if (missing.authenticationRequired) return 'UNAUTHENTICATED';
  if (missing.requiredScopes) return 'SCOPE';
  if (missing.subjectRequired) return 'SUBJECT_REQUIRED';
  if (missing.purposeRequired) return 'PURPOSE';
  return 'POLICY';
}

/**
 * The break-glass justification the caller invoked, when it may (the scope and a
 * non-empty `X-Break-Glass`, as the subgraphs decide it): every event of the request
 * carries it and so enters the review queue. Undefined otherwise.
 */
export function breakGlassInvoked(caller: Caller): string | undefined {
  return caller.scopes.has(BREAK_GLASS_SCOPE) && hasJustification(caller) ? caller.breakGlass : undefined;
}

/** `X-Break-Glass` sent without the scope that gives it any effect: an attempt, recorded. */
export function breakGlassWithoutScope(caller: Caller): boolean {
  return hasJustification(caller) && !caller.scopes.has(BREAK_GLASS_SCOPE);
}

const hasJustification = (caller: Caller) => (caller.breakGlass ?? '').trim().length > 0;

/**
 * Takes the subgraphs' denial reports out of their errors: the client gets each error
 * as the subgraph meant it for the client (message, code, path), without the report.
 * A report that does not parse is dropped, never passed on.
 */
export function takeDenialReports(errors: readonly GraphQLError[]): { errors: GraphQLError[]; denials: Denial[] } {
  if (!errors.some((error) => error.extensions?.[DENIAL_REPORT_EXTENSION] !== undefined)) {
    return { errors: [...errors], denials: [] };
  }
  const denials: Denial[] = [];
  const cleaned = errors.map((error) => {
    const { [DENIAL_REPORT_EXTENSION]: raw, ...extensions } = error.extensions ?? {};
    if (raw === undefined) return error;
    const report = denialReport.safeParse(raw);
    if (report.success) denials.push(report.data);
    else console.error('a subgraph sent a denial report that does not parse; dropped:', report.error.message);
    // Not the subgraph's error object as `originalError`: it still holds the report.
    return new GraphQLError(error.message, { ...(error.path ? { path: error.path } : {}), extensions });
  });
  return { errors: cleaned, denials };
}

/** Records the DENIED events of one request; see the module comment. */
export class DenialRecorder {
  constructor(private readonly sink: AuditSink) {}

  /**
   * Every refusal of the request, one event per reason (the coordinates and records it
   * was refused for). Throws `AUDIT_UNAVAILABLE` if one could not be recorded.
   */
  async record(denials: readonly Denial[], request: RequestFacts): Promise<void> {
    const { caller } = request;
    const byReason = new Map<DenialReason, { coordinates: Set<string>; entities: Map<string, AuditedEntity> }>();
    const add = (reason: DenialReason, denial: Denial) => {
      let group = byReason.get(reason);
      if (!group) byReason.set(reason, (group = { coordinates: new Set(), entities: new Map() }));
      group.coordinates.add(denial.coordinate);
      if (denial.entity) group.entities.set(entityKey(denial.entity), denial.entity);
    };
    for (const denial of denials) add(denial.reason, denial);
    if (breakGlassWithoutScope(caller)) {
      // What the caller hoped the header would open: the other refusals of the request.
      byReason.set('BREAK_GLASS_WITHOUT_SCOPE', { coordinates: new Set(), entities: new Map() });
      for (const denial of denials) add('BREAK_GLASS_WITHOUT_SCOPE', denial);
    }
    if (byReason.size === 0) return;
    const common = {
      principal: caller.subject ?? 'anonymous',
      clientId: caller.clientId ?? null,
      operationName: request.operationName,
      documentHash: createHash('sha256').update(request.source).digest('hex'),
      purpose: caller.purpose ?? null,
      breakGlassJustification: breakGlassInvoked(caller) ?? null,
      requestId: caller.requestId ?? null,
    };
    const events: AuditEventInput[] = [...byReason].map(([reason, group]) => ({
      kind: 'DENIED',
      ...common,
      denialReason: reason,
      fieldCoordinates: [...group.coordinates].sort().slice(0, 1000),
      entities: [...group.entities.values()].slice(0, 10_000),
    }));
    try {
      await Promise.all(events.map((event) => this.sink.record(event)));
    } catch (error) {
      console.error('a denied attempt could not be recorded in the audit trail; response withheld:', error);
      throw new GraphQLError('The request was refused in part and the refusal could not be recorded in the audit trail; nothing was sent.', {
        extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } },
      });
    }
  }
}

const entityKey = (entity: AuditedEntity) => `${entity.type}:${entity.id}:${entity.owner?.type ?? ''}:${entity.owner?.id ?? ''}`;
