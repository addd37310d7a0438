import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayExecutionResult,
  GatewayInterface,
  GatewayLoadResult,
} from '@apollo/server-gateway-interface';
import { createHash } from 'node:crypto';
import { getVariableValues, GraphQLError, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ANONYMOUS, findUnstorableInput, inSpan, POLICIES, unstorableInputError, type AccessRules, type AuditedEntity } from '@mission-graph/service-kit';
import type { Auditor, RequestFacts } from '../audit/auditor.js';
import { breakGlassWithoutScope, refusalReason, takeDenialReports, type Denial } from '../audit/denials.js';
import { argumentRecords, MutationChanges, type MutationRecorder, type RecordedIntent } from '../audit/mutation-record.js';
import { personalData, type PersonalData } from '../audit/personal-data.js';
import { accessDecisions, rightsKey } from '../authorization/decisions.js';
import { refusalExplainer } from '../authorization/explain-refusal.js';
import { requiringSubject } from '../authorization/subject-required.js';
import type { GatewayContext } from '../context.js';
import { eligibility, type Eligibility, type Ownership } from '../response-cache/eligibility.js';
import { markCacheStatus } from '../response-cache/headers.js';
import type { Generations, ResponseCache } from '../response-cache/response-cache.js';
import type { CostPolicy } from './cost.js';
import { hiddenAliases, isReservedKey } from './hidden-aliases.js';
import { conditionVariables, normalizeOperation, type NormalizedOperation } from './normalize.js';
import { processResponse, unauthorizedError } from './response.js';
import { buildShape, type ExecutionShape } from './shape.js';
import { nullInNonNullPosition } from './variables.js';

/**
 * `filter` (default): the rest of the operation runs; each removed field is null
 * with an error. `reject`: any unauthorized field refuses the whole operation.
 */
export type UnauthorizedMode = 'filter' | 'reject';

export interface PipelineOptions {
  rules: AccessRules;
  mode: UnauthorizedMode;
  auditor?: Auditor | undefined;
  /** Records every mutation before it runs (INTENT) and how it ended (OUTCOME). */
  mutations?: MutationRecorder | undefined;
  cost?: CostPolicy | undefined;
  /** How many normalized operations (and their cut, per caller rights) are kept. */
  cacheSize?: number;
  /** Answers of non-personal operations, shared by callers with the same rights (response-cache/). */
  responseCache?: { cache: ResponseCache; ownership: Ownership } | undefined;
}

interface CachedOperation {
  normalized: NormalizedOperation;
  /** Rights key → the operation cut for callers with those rights. */
  shapes: Map<string, ExecutionShape>;
}

/** Distinct caller rights kept per operation: more means someone is cycling scopes. */
const SHAPES_PER_OPERATION = 64;

/**
 * Wraps @apollo/gateway so that every operation goes through one pipeline before it
 * is planned (Apollo Server has already parsed and validated it; operation/limits.ts
 * bounded it before that):
 *
 *   coerce variables (defaults applied) → normalize (resolve @include/@skip, expand
 *   fragments once) → estimate its cost → cut it to what the caller may see and add
 *   the hidden selections → run it → one walk over the response (hidden keys out,
 *   withheld fields null with errors, disclosures read) → audit → answer.
 *
 * A removed field is never fetched from any subgraph. The operation that runs has its
 * own hash, per caller rights, because @apollo/gateway caches query plans by hash:
 * two callers with different rights never share a plan, and callers with the same
 * rights do. Normalized operations and their cuts are cached, so the ordinary path
 * does the work once per operation shape.
 */
export class PipelineGateway implements GatewayInterface {
  private readonly personal: PersonalData;
  private readonly operations: LRUCache<string, CachedOperation>;
  private readonly conditions = new WeakMap<DocumentNode, string[]>();
  /** Whether each cut's answer may be cached (decided once per cut). */
  private readonly cacheable = new WeakMap<ExecutionShape, Eligibility>();
  /** Each client document printed (whitespace and comments normalized), for cache keys. */
  private readonly printed = new WeakMap<DocumentNode, string>();

  constructor(
    private readonly inner: GatewayInterface,
    private readonly options: PipelineOptions,
  ) {
    this.personal = options.auditor?.personal ?? personalData(options.rules);
    this.operations = new LRUCache({ max: options.cacheSize ?? 1000 });
  }

  onSchemaLoadOrUpdate(...args: Parameters<GatewayInterface['onSchemaLoadOrUpdate']>) {
    return this.inner.onSchemaLoadOrUpdate(...args);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  async load(...args: Parameters<GatewayInterface['load']>): Promise<GatewayLoadResult> {
    const loaded = await this.inner.load(...args);
    const executor = loaded.executor;
    if (!executor) return loaded;
    let schema: GraphQLSchema | undefined;
    this.inner.onSchemaLoadOrUpdate(({ apiSchema }) => {
      schema = apiSchema;
      this.operations.clear();
    });
    return {
      executor: (requestContext) => this.execute(schema ?? requestContext.schema, executor, requestContext),
    };
  }

  private async execute(
    schema: GraphQLSchema,
    executor: GatewayExecutor,
    requestContext: GatewayGraphQLRequestContext,
  ): Promise<GatewayExecutionResult> {
    const caller = (requestContext.context as Partial<GatewayContext>).caller ?? ANONYMOUS;
    const clientOperation = requestContext.operation;
    // Apollo Server found no operation to run (several without operationName, or a name
    // none has): an error here makes it answer 400 OPERATION_RESOLUTION_FAILURE.
    if (!clientOperation) return { errors: [operationNotFound(requestContext)] };
    // graphql-js 16 does not validate the operation type itself (a subscription here).
    if (!schema.getRootType(clientOperation.operation)) {
      return refusal(`This graph has no ${clientOperation.operation} operations`, 'GRAPHQL_VALIDATION_FAILED', 400);
    }

    // Variables as the operation declares them, defaults applied.
    const coerced = getVariableValues(schema, clientOperation.variableDefinitions ?? [], requestContext.request.variables ?? {});
    if (coerced.errors) {
      return {
        errors: coerced.errors.map(
          (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } }),
        ),
      };
    }
    const variables = coerced.coerced;
    // Inputs no step after this may trip on: a null where the schema needs a value, text
    // PostgreSQL cannot store as sent (NUL, an unpaired surrogate) — in every argument.
    const inputError =
      nullInNonNullPosition(schema, requestContext.document, clientOperation, variables) ??
      unstorable(requestContext.document, clientOperation, requestContext.request.variables);
    if (inputError) return { errors: [inputError] };

    const cached = this.normalized(schema, requestContext, variables);
    const cost = this.options.cost?.assess(cached.normalized, variables, caller);
    if (cost?.refusal) return { errors: [cost.refusal], extensions: { cost: cost.report } };

    const rights = rightsKey(caller, POLICIES);
    // The authorization cut, its own span (planning and fetches are @apollo/gateway's spans).
    const shape = inSpan('gateway.authorize', { 'mission_graph.cut_cached': cached.shapes.has(rights) }, (span) => {
      let cut = cached.shapes.get(rights);
      if (!cut) {
        // Personal data needs a token with `sub` besides its scopes (subject-required.ts).
        const { decisions, explain } = requiringSubject(
          schema,
          this.personal,
          caller,
          accessDecisions(schema, this.options.rules, caller),
          // What each removal's error says the caller lacks: same rights, same answer (cached with the cut).
          refusalExplainer(schema, this.options.rules, caller),
        );
        cut = buildShape(cached.normalized, {
          schema,
          decisions,
          explain,
          personal: this.personal,
          hidden: hiddenAliases(`${requestContext.queryHash}\0${rights}\0${cached.normalized.operation.name?.value ?? ''}`),
        });
        if (cached.shapes.size >= SHAPES_PER_OPERATION) cached.shapes.clear();
        cached.shapes.set(rights, cut);
      }
      span.setAttribute('mission_graph.fields_removed', cut.removals.length);
      return cut;
    });
    const extensions = cost ? { cost: cost.report } : undefined;
    const facts: RequestFacts = {
      caller,
      operationName: requestContext.operationName,
      source: requestContext.source,
      // With intents and outcomes on record, a mutation's own event is only for personal data its payload discloses.
      isMutation: clientOperation.operation === 'mutation' && !this.options.mutations,
      mutationFields: this.options.mutations ? [] : mutationFields(shape),
    };
    const auditor = this.options.auditor;

    if (shape.removals.length > 0 && (this.options.mode === 'reject' || shape.empty)) {
      const denied = shape.removals.map((removal) => ({ reason: refusalReason(removal.missing), coordinate: removal.coordinate }));
      const unrecorded = await recordDenials(auditor, denied, facts);
      if (unrecorded) return { errors: [unrecorded] };
      return { errors: shape.removals.map((removal) => unauthorizedError(removal.staticPath, true, removal.missing)), extensions };
    }

    const responseCache = this.options.responseCache?.cache;
    const cacheLookup = this.lookUpCache(shape, requestContext, caller, rights, variables);
    if (cacheLookup?.hit) {
      markCacheStatus(requestContext, responseCache, 'HIT');
      return { data: cacheLookup.hit, extensions };
    }
    markCacheStatus(requestContext, responseCache, cacheLookup ? 'MISS' : 'BYPASS');
    const store = (answer: GatewayExecutionResult): GatewayExecutionResult => {
      if (!cacheLookup) return answer;
      // Never an answer with errors (a removed field, a subgraph failure, a timeout).
      if (answer.errors || !answer.data) markCacheStatus(requestContext, responseCache, 'BYPASS');
      else responseCache!.set(cacheLookup.key, answer.data, cacheLookup.seen);
      return answer;
    };

    // No change without a record first: the INTENT is committed before the mutation is sent
    // (`mutation { __typename }` changes nothing and is not announced).
    const called = mutationFields(shape);
    const recorder = called.length > 0 ? this.options.mutations : undefined;
    let intent: RecordedIntent | undefined;
    const changes = recorder ? new MutationChanges() : undefined;
    if (recorder) {
      try {
        intent = await recorder.intend({
          caller,
          operationName: requestContext.operationName ?? null,
          source: requestContext.source,
          fieldCoordinates: called,
          entities: argumentRecordsOf(schema, shape, variables),
        });
      } catch (error) {
        return { errors: [error as GraphQLError], extensions };
      }
    }
    const context = {
      ...(requestContext.context as object),
      ...(changes ? { mutationChanges: changes } : {}),
      // The subgraphs' internal tokens carry the client's own operation (name and
      // document hash): the audit service records reads of the trail under it.
      caller: { ...caller, operation: { name: requestContext.operationName, documentHash: sha256(requestContext.source) } },
    };

    let result: GatewayExecutionResult;
    try {
      result = await executor({
        ...requestContext,
        context,
        document: shape.document,
        operation: shape.operation,
        source: shape.source,
        queryHash: shape.queryHash,
      });
    } catch (error) {
      if (intent && changes) await recorder!.conclude(intent, changes.sent ? 'UNKNOWN' : 'FAILED', changes.changed);
      throw error;
    }
    if (intent && changes) {
      try {
        await recorder!.conclude(intent, changes.outcome((result.errors?.length ?? 0) > 0), changes.changed);
      } catch (error) {
        return { errors: [error as GraphQLError], extensions };
      }
    }
    // Refusals only a subgraph could decide (need-to-know), reported on the internal channel.
    const { errors: subgraphErrors, denials: reported } = takeDenialReports((result.errors ?? []).map(withoutHiddenPath));
    if (!shape.needsResponseWalk) {
      const unrecorded = await recordDenials(auditor, reported, facts);
      if (unrecorded) return { errors: [unrecorded] };
      return store({ ...result, errors: subgraphErrors.length > 0 ? subgraphErrors : undefined, extensions: { ...result.extensions, ...extensions } });
    }

    const processed = processResponse(shape, result.data);
    const denied: Denial[] = [
      ...processed.refusals.map(({ coordinate, missing, entity }) => ({ reason: refusalReason(missing), coordinate, entity })),
      ...reported,
    ];
    if (auditor) {
      // The disclosure and the refusals of one response, both before it leaves.
      const outcomes = await Promise.allSettled([
        shape.audited ? auditor.record(processed.disclosures, facts) : undefined,
        recordDenials(auditor, denied, facts),
      ]);
      const failed = outcomes[0].status === 'rejected' ? (outcomes[0].reason as GraphQLError) : outcomes[1].status === 'fulfilled' ? outcomes[1].value : undefined;
      if (failed) return { errors: [failed] };
    }
    const errors = [...processed.errors, ...subgraphErrors];
    return store({
      ...result,
      data: processed.data,
      errors: errors.length > 0 ? errors : undefined,
      extensions: { ...result.extensions, ...extensions },
    });
  }

  /**
   * The response cache's key and entry for this request, when its answer may be cached:
   * none for personal data, need-to-know, mutations, or a caller invoking break-glass
   * (response-cache/eligibility.ts). The key: the endpoint (contract), the caller's
   * rights, the normalized document and operation name, the coerced variables.
   */
  private lookUpCache(
    shape: ExecutionShape,
    requestContext: GatewayGraphQLRequestContext,
    caller: GatewayContext['caller'],
    rights: string,
    variables: Record<string, unknown>,
  ): { key: string; hit: Record<string, unknown> | undefined; seen: Generations } | undefined {
    const responseCache = this.options.responseCache;
    if (!responseCache?.cache.enabled || caller.breakGlass !== undefined) return undefined;
    let decision = this.cacheable.get(shape);
    if (!decision) this.cacheable.set(shape, (decision = eligibility(shape, this.options.rules, responseCache.ownership)));
    if (!decision.cacheable) return undefined;
    const { document } = requestContext;
    let text = this.printed.get(document);
    if (text === undefined) this.printed.set(document, (text = print(document)));
    const key = JSON.stringify([caller.contract ?? 'internal', rights, requestContext.operationName ?? '', text, variables]);
    // Generations first: a mutation landing between the look-up and the fetch then keeps this answer out.
    const seen = responseCache.cache.generationsOf(decision.subgraphs);
    return { key, hit: responseCache.cache.get(key), seen };
  }

  /** The normalized operation for this document, operation and `@include`/`@skip` outcome. */
  private normalized(
    schema: GraphQLSchema,
    requestContext: GatewayGraphQLRequestContext,
    variables: Record<string, unknown>,
  ): CachedOperation {
    const { document, operation } = requestContext;
    let names = this.conditions.get(document);
    if (!names) this.conditions.set(document, (names = conditionVariables(document)));
    const key = [
      requestContext.queryHash,
      operation.name?.value ?? '',
      ...names.map((name) => `${name}=${String(variables[name])}`),
    ].join('\0');
    let cached = this.operations.get(key);
    if (!cached) {
      cached = { normalized: normalizeOperation(schema, document, operation, variables), shapes: new Map() };
      this.operations.set(key, cached);
    }
    return cached;
  }
}

function unstorable(...args: Parameters<typeof findUnstorableInput>): GraphQLError | undefined {
  const found = findUnstorableInput(...args);
  return found && unstorableInputError(found);
}

/** graphql-js's own words for a document whose operation cannot be chosen. */
function operationNotFound(requestContext: GatewayGraphQLRequestContext): GraphQLError {
  const name = requestContext.request.operationName;
  return new GraphQLError(
    name ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.',
    { extensions: { http: { status: 400 } } },
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Records the request's refused attempts (audit/denials.ts), if it has any; the
 * `AUDIT_UNAVAILABLE` error to answer with if they could not be recorded.
 */
async function recordDenials(auditor: Auditor | undefined, denied: readonly Denial[], facts: RequestFacts): Promise<GraphQLError | undefined> {
  if (!auditor || (denied.length === 0 && !breakGlassWithoutScope(facts.caller))) return undefined;
  try {
    await auditor.denials.record(denied, facts);
    return undefined;
  } catch (error) {
    return error as GraphQLError;
  }
}

function refusal(message: string, code: string, status: number): GatewayExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, http: { status } } })] };
}

/** `Mutation.<field>` of every mutation root field that ran. */
function mutationFields(shape: ExecutionShape): string[] {
  if (shape.operation.operation !== 'mutation') return [];
  return [...shape.root.byType.values()].flatMap((ofType) =>
    ofType.kept.filter((kept) => !kept.selection.fieldName.startsWith('__')).map((kept) => kept.coordinate),
  );
}

/** The records the arguments of every mutation root field that runs name. */
function argumentRecordsOf(schema: GraphQLSchema, shape: ExecutionShape, variables: Record<string, unknown>): AuditedEntity[] {
  const records: AuditedEntity[] = [];
  for (const ofType of shape.root.byType.values()) {
    for (const kept of ofType.kept) {
      const { definition, nodes } = kept.selection;
      if (definition.name.startsWith('__') || !nodes[0]) continue;
      for (const record of argumentRecords(schema, definition, nodes[0], variables)) {
        if (!records.some((known) => known.type === record.type && known.id === record.id)) records.push(record);
      }
    }
  }
  return records;
}

/** An error located under a hidden key is reported at the nearest key the client knows. */
function withoutHiddenPath(error: GraphQLError): GraphQLError {
  const cut = error.path?.findIndex(isReservedKey) ?? -1;
  if (cut < 0) return error;
  return new GraphQLError(error.message, {
    path: error.path!.slice(0, cut),
    extensions: error.extensions,
    ...(error.originalError ? { originalError: error.originalError } : {}),
  });
}
