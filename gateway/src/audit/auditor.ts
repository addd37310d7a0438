import { createHash } from 'node:crypto';
import type { AuditEventInput } from '@mission-graph/service-kit';
import {
  BREAK,
  GraphQLError,
  isAbstractType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { AccessRules, Caller } from '@mission-graph/service-kit';
import type { AuditSink } from './audit-sink.js';
import { readDisclosures } from './disclosures.js';
import { instrumentForAudit } from './instrument.js';
import { BREAK_GLASS_SCOPE, personalData } from './personal-data.js';

/**
 * Accountable access: every response that discloses personal data, and every
 * mutation, is recorded in the audit trail — who, when, which operation, why, which
 * fields of which records — *before* the response is sent. If the record cannot be
 * written, the response is not sent either (fail closed).
 */
export interface RequestFacts {
  caller: Caller;
  operationName: string | null;
  /** The document as the client sent it. */
  source: string;
}

export class Auditor {
  private readonly personal;

  constructor(
    rules: AccessRules,
    private readonly sink: AuditSink,
  ) {
    this.personal = personalData(rules);
  }

  /**
   * The operation to execute: the caller's own, plus the hidden fields that name
   * records — only when it is a mutation or may disclose personal data; any other
   * operation runs exactly as sent (and keeps its cached query plan).
   */
  instrument(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) {
    if (operation.operation !== 'mutation' && !this.selectsPersonalData(schema, document)) return { document, operation };
    return instrumentForAudit(schema, document, operation);
  }

  private selectsPersonalData(schema: GraphQLSchema, document: DocumentNode): boolean {
    const typeInfo = new TypeInfo(schema);
    let found = false;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          if (!parent) return;
          const holders = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
          if (holders.some((holder) => this.personal.isPersonal(holder.name, node.name.value))) {
            found = true;
            return BREAK;
          }
          return undefined;
        },
      }),
    );
    return found;
  }

  /**
   * Reads what `data` discloses (removing the hidden fields) and records it. Throws an
   * `AUDIT_UNAVAILABLE` error when an event is due and could not be written.
   */
  async record(
    schema: GraphQLSchema,
    executed: { document: DocumentNode; operation: OperationDefinitionNode },
    data: Record<string, unknown> | null | undefined,
    request: RequestFacts,
  ): Promise<void> {
    const disclosed = readDisclosures(schema, executed.document, executed.operation, data, this.personal);
    const isMutation = executed.operation.operation === 'mutation';
    if (!isMutation && disclosed.personalCoordinates.length === 0) return;

    const { caller } = request;
    const breakGlass =
      disclosed.witnessIdentity && caller.breakGlass !== undefined && caller.scopes.has(BREAK_GLASS_SCOPE);
    const mutationFields = isMutation
      ? executed.operation.selectionSet.selections.flatMap((s) => (s.kind === 'Field' && !s.name.value.startsWith('__') ? [`Mutation.${s.name.value}`] : []))
      : [];
    const event: AuditEventInput = {
      kind: isMutation ? 'MUTATION' : 'DISCLOSURE',
      principal: caller.subject ?? 'anonymous',
      clientId: caller.clientId ?? null,
      operationName: request.operationName,
      documentHash: createHash('sha256').update(request.source).digest('hex'),
      purpose: caller.purpose ?? null,
      breakGlassJustification: breakGlass ? (caller.breakGlass ?? null) : null,
      fieldCoordinates: [...new Set([...mutationFields, ...disclosed.personalCoordinates])],
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
