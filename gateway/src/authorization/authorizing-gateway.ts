import { createHash } from 'node:crypto';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
} from '@apollo/server-gateway-interface';
import { GraphQLError, print, type GraphQLSchema } from 'graphql';
import type { Auditor } from '../audit/auditor.js';
import { ANONYMOUS, type AccessRules, type Caller } from '@mission-graph/service-kit';
import { applyRemovals, unauthorizedError } from './apply-removals.js';
import { accessDecisions } from './decisions.js';
import { refusalExplainer } from './explain-refusal.js';
import { filterOperation } from './filter-operation.js';

/**
 * `filter` (default): the rest of the operation runs; each removed field is null
 * with an error. `reject`: any unauthorized field refuses the whole operation.
 */
export type UnauthorizedMode = 'filter' | 'reject';

export interface GatewayContext {
  caller: Caller;
}

/**
 * Wraps @apollo/gateway so that every operation is cut down to what the caller may
 * see *before* it is planned: a removed field is never fetched from any subgraph.
 * The filtered operation gets its own hash, because @apollo/gateway caches query
 * plans by hash — two callers with different scopes must never share a plan.
 */
export class AuthorizingGateway implements GatewayInterface {
  constructor(
    private readonly inner: GatewayInterface,
    private readonly rules: AccessRules,
    private readonly mode: UnauthorizedMode,
    private readonly auditor?: Auditor,
  ) {}

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
    this.inner.onSchemaLoadOrUpdate(({ apiSchema }) => (schema = apiSchema));
    return {
      executor: (requestContext) =>
        this.execute(schema ?? requestContext.schema, executor, requestContext),
    };
  }

  private async execute(
    schema: GraphQLSchema,
    executor: GatewayExecutor,
    requestContext: GatewayGraphQLRequestContext,
  ) {
    const caller = (requestContext.context as Partial<GatewayContext>).caller ?? ANONYMOUS;
    // graphql-js 16 does not validate the operation type itself (a subscription here).
    if (!schema.getRootType(requestContext.operation.operation)) {
      return {
        errors: [
          new GraphQLError(`This graph has no ${requestContext.operation.operation} operations`, {
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
          }),
        ],
      };
    }
    const filtered = filterOperation(
      schema,
      requestContext.document,
      requestContext.operation,
      requestContext.request.variables ?? {},
      accessDecisions(schema, this.rules, caller),
    );
    // Each refusal says what the caller lacks (requiredScopes / purposeRequired).
    const explain = refusalExplainer(schema, this.rules, caller);
    if (filtered.removals.length > 0 && (this.mode === 'reject' || filtered.empty)) {
      return { errors: filtered.removals.map((removal) => unauthorizedError(removal.path, true, explain(removal.coordinate))) };
    }

    // What runs: the caller's operation cut to what it may see, plus what the audit
    // needs to name records. A rewritten operation gets its own hash: @apollo/gateway
    // caches query plans by hash, and callers with other scopes must not share them.
    let executed = { document: filtered.document, operation: filtered.operation };
    if (this.auditor) executed = this.auditor.instrument(schema, executed.document, executed.operation);
    const rewritten = executed.document !== requestContext.document;
    const source = rewritten ? print(executed.document) : requestContext.source;
    const result = await executor(
      rewritten
        ? {
            ...requestContext,
            document: executed.document,
            operation: executed.operation,
            source,
            queryHash: createHash('sha256').update(source).digest('hex'),
          }
        : requestContext,
    );
    const { data, errors } = applyRemovals(result.data, filtered.removals, explain);
    if (this.auditor) {
      try {
        await this.auditor.record(schema, executed, data, {
          caller,
          operationName: requestContext.operationName,
          source: requestContext.source,
        });
      } catch (error) {
        return { errors: [error as GraphQLError] };
      }
    }
    const allErrors = [...errors, ...(result.errors ?? [])];
    return { ...result, data, ...(allErrors.length > 0 ? { errors: allErrors } : { errors: undefined }) };
  }
}
