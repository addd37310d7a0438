import { createHash, randomUUID } from 'node:crypto';
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isObjectType,
  isScalarType,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import {
  auditEventInput,
  verifiedChanges,
  type AuditedEntity,
  type Caller,
  type ChangedRecord,
  type MutationOutcome,
} from '@mission-graph/service-kit';
import type { AuditEventInput, AuditSink } from './audit-sink.js';
import { BREAK_GLASS_SCOPE } from './personal-data.js';

/**
 * No change without a record first (issue 10 item 2). For every mutation the gateway
 *
 * 1. checks that the trail would take the event (the contract's own schema:
 *    `auditEventInput`) — an operation name, purpose or break-glass justification too long
 *    for it is refused as BAD_USER_INPUT before anything runs;
 * 2. appends an INTENT (who, why, under break-glass or not, which `Mutation.<field>`, the
 *    records its arguments name) under an id it chooses — and forwards the mutation only
 *    once that append is committed; otherwise AUDIT_UNAVAILABLE and nothing runs;
 * 3. after it ran, appends an OUTCOME linked to the intent: COMMITTED / FAILED / UNKNOWN
 *    with every record the subgraphs *reported* changed (service-kit change-report.ts),
 *    whatever the client selected.
 */
export interface MutationFacts {
  caller: Caller;
  operationName: string | null;
  /** The document as the client sent it. */
  source: string;
  /** `Mutation.<field>` of every mutation root field that will run. */
  fieldCoordinates: readonly string[];
  /** The records the arguments name. */
  entities: readonly AuditedEntity[];
}

/** An INTENT on record: what its OUTCOME repeats and links to. */
export interface RecordedIntent {
  event: AuditEventInput & { id: string };
}

export class MutationRecorder {
  constructor(private readonly sink: AuditSink) {}

  /**
   * Checks the INTENT against the trail's contract and appends it. Throws BAD_USER_INPUT
   * (naming what the trail would refuse) or AUDIT_UNAVAILABLE; the mutation must not run
   * then.
   */
  async intend(facts: MutationFacts): Promise<RecordedIntent> {
    const { caller } = facts;
    const underBreakGlass = caller.breakGlass !== undefined && caller.scopes.has(BREAK_GLASS_SCOPE);
    const event = {
      id: randomUUID(),
      kind: 'INTENT' as const,
      principal: caller.subject ?? 'anonymous',
      clientId: caller.clientId ?? null,
      operationName: facts.operationName,
      documentHash: createHash('sha256').update(facts.source).digest('hex'),
      purpose: caller.purpose ?? null,
      // Flagged whatever the payload shows: the write itself was done under break-glass.
      breakGlassJustification: underBreakGlass ? (caller.breakGlass ?? null) : null,
      fieldCoordinates: [...facts.fieldCoordinates],
      entities: [...facts.entities],
      requestId: caller.requestId ?? null,
    };
    refuseWhatTheTrailWouldRefuse(event);
    try {
      await this.sink.record(event);
    } catch (error) {
      console.error('mutation intent could not be recorded; mutation not sent:', error);
      throw new GraphQLError('The audit trail cannot record this change, so it was not made. Nothing changed; try again later.', {
        extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } },
      });
    }
    return { event };
  }

  /**
   * Appends the OUTCOME of a recorded intent. Throws AUDIT_UNAVAILABLE (saying the change
   * may have happened) when it cannot be written.
   */
  async conclude(intent: RecordedIntent, outcome: MutationOutcome, changed: readonly ChangedRecord[]): Promise<void> {
    const { id, kind: _kind, ...common } = intent.event;
    const event: AuditEventInput = { ...common, kind: 'OUTCOME', intentId: id, outcome, entities: [...changed] };
    try {
      await this.sink.record(event);
    } catch (error) {
      console.error(`mutation outcome (${outcome}) of intent ${id} could not be recorded:`, error);
      throw new GraphQLError(
        'The change may have happened, but its outcome could not be recorded in the audit trail (the intent to make it is on record); its result is withheld. Check the record before retrying.',
        { extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 }, intentId: id } },
      );
    }
  }
}

/** Where an over-long or unstorable value came from, in the client's terms: its label and `extensions.argument`. */
const SOURCES: Record<string, [label: string, argument: string]> = {
  operationName: ['the operation name', 'operationName'],
  purpose: ['the X-Access-Purpose header', 'X-Access-Purpose'],
  breakGlassJustification: ['the X-Break-Glass header', 'X-Break-Glass'],
  principal: ['the token subject (sub)', 'sub'],
  clientId: ['the token client id', 'client_id'],
  entities: ['an id argument', 'input'],
  requestId: ['the X-Request-Id header', 'X-Request-Id'],
};

/**
 * The trail's contract refuses the event: say what, before the mutation runs (once it
 * ran, a refused append would leave the change unrecorded). The limits are the
 * contract's own (`auditEventInput`), never repeated here.
 */
function refuseWhatTheTrailWouldRefuse(event: AuditEventInput): void {
  const checked = auditEventInput.safeParse(event);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  const [label, argument] = SOURCES[field] ?? [field, field];
  const message =
    issue.code === 'too_big'
      ? `is too long for the audit trail (at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'})`
      : `cannot be recorded in the audit trail: ${issue.message}`;
  throw new GraphQLError(`This change was not made: ${label} ${message}.`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 }, argument },
  });
}

/**
 * What the subgraphs reported one request's mutation changed. The subgraph client hands
 * it each mutation fetch's report (verified with the internal token it sent) or says the
 * answer was lost.
 */
export class MutationChanges {
  private readonly records: ChangedRecord[] = [];
  /** A mutation fetch was sent. */
  sent = false;
  /** A mutation fetch's answer was lost (timeout, disconnect, unreachable after sending). */
  lost = false;
  /** A mutation answer came without a report that verifies: what it changed is unknown. */
  unverified = false;

  /** Takes the report of a mutation fetch's answer; false if it is missing or forged. */
  accept(report: unknown, internalToken: string): boolean {
    this.sent = true;
    const records = verifiedChanges(report, internalToken);
    if (!records) {
      this.unverified = true;
      return false;
    }
    for (const record of records) {
      if (!this.records.some((known) => known.type === record.type && known.id === record.id && known.owner?.id === record.owner?.id)) {
        this.records.push(record);
      }
    }
    return true;
  }

  answerLost(): void {
    this.sent = true;
    this.lost = true;
  }

  get changed(): readonly ChangedRecord[] {
    return this.records;
  }

  /**
   * COMMITTED when anything was reported changed (or it ran cleanly), FAILED when nothing
   * changed and it failed (or never reached a subgraph), UNKNOWN when an answer was lost
   * or came without a valid report.
   */
  outcome(failed: boolean): MutationOutcome {
    if (this.lost || this.unverified) return 'UNKNOWN';
    if (this.records.length > 0) return 'COMMITTED';
    return failed || !this.sent ? 'FAILED' : 'COMMITTED';
  }
}

/** A subgraph fetch that runs a mutation (the query planner prints each fetch's operation). */
export function isMutationFetch(query: string | undefined): boolean {
  return query !== undefined && /^\s*mutation\b/.test(query);
}

/**
 * The records a mutation's arguments name: every `ID` value in its (coerced) arguments,
 * input objects included, with the type of record it names (`recordTypeOf`).
 */
export function argumentRecords(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): AuditedEntity[] {
  const values = getArgumentValues(field, node, variables);
  const records: AuditedEntity[] = [];
  const visit = (name: string, type: GraphQLInputType, value: unknown, parent: string) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(name, type, item, parent);
      return;
    }
    const named = getNamedType(type);
    if (isScalarType(named) && named.name === 'ID') {
      const record = { type: recordTypeOf(schema, field, name) ?? parent, id: String(value) };
      if (!records.some((known) => known.type === record.type && known.id === record.id)) records.push(record);
    } else if (isInputObjectType(named) && typeof value === 'object') {
      for (const inner of Object.values(named.getFields())) {
        visit(inner.name, inner.type, (value as Record<string, unknown>)[inner.name], named.name);
      }
    }
  };
  for (const argument of field.args) visit(argument.name, argument.type, values[argument.name], field.name);
  return records;
}

const typeCache = new WeakMap<GraphQLSchema, Map<string, string | undefined>>();

/**
 * The type of record an `ID` argument of a mutation names, from the schema alone:
 * - `id`: the record the payload returns;
 * - `fooId` / `fooIds` / `foo`: what the payload's record returns for its field `foo`
 *   (`recoveredBy` → `MortalRemains.recoveredBy: FieldOperation`);
 * - else the object type called `Foo`, or the one type ending in `Foo`
 *   (`witnessId` → `ProtectedWitness`), preferring one the payload returns.
 * `undefined` when none fits (the caller files it under its input type; a test keeps
 * every mutation of the graph resolvable).
 */
export function recordTypeOf(schema: GraphQLSchema, mutation: GraphQLField<unknown, unknown>, argument: string): string | undefined {
  let cache = typeCache.get(schema);
  if (!cache) typeCache.set(schema, (cache = new Map()));
  const key = `${mutation.name}.${argument}`;
  if (cache.has(key)) return cache.get(key);
  const resolved = resolveRecordType(schema, mutation, argument);
  cache.set(key, resolved);
  return resolved;
}

function resolveRecordType(schema: GraphQLSchema, mutation: GraphQLField<unknown, unknown>, argument: string): string | undefined {
  const records = (type: GraphQLObjectType) => type.getFields().id !== undefined;
  const payload = getNamedType(mutation.type);
  const returned: GraphQLObjectType[] = [];
  if (isObjectType(payload)) {
    if (records(payload)) returned.push(payload);
    for (const field of Object.values(payload.getFields())) {
      const named = getNamedType(field.type);
      if (isObjectType(named) && records(named) && !returned.includes(named)) returned.push(named);
    }
  }
  if (argument === 'id') return returned[0]?.name;
  const base = argument.replace(/Ids?$/, '');
  for (const record of returned) {
    const named = getNamedType(record.getFields()[base]?.type);
    if (named && isObjectType(named) && records(named)) return named.name;
  }
  const pascal = base.charAt(0).toUpperCase() + base.slice(1);
  const candidates = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__') && records(type) && type.name.endsWith(pascal),
  );
  const exact = candidates.find((type) => type.name === pascal);
  if (exact) return exact.name;
  if (candidates.length === 1) return candidates[0]!.name;
  const inPayload = candidates.filter((type) => returned.includes(type));
  return inPayload.length === 1 ? inPayload[0]!.name : undefined;
}
