import { createHash } from 'node:crypto';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
} from '@apollo/server-gateway-interface';
import { print, type GraphQLSchema } from 'graphql';
import { ANONYMOUS, type AccessRules, type Caller } from '@mission-graph/service-kit';
import { applyRemovals, unauthorizedError } from './apply-removals.js';
import { accessDecisions } from './decisions.js';
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
    const filtered = filterOperation(
      schema,
      requestContext.document,
      requestContext.operation,
      requestContext.request.variables ?? {},
      accessDecisions(schema, this.rules, caller),
    );
    if (filtered.removals.length === 0) return executor(requestContext);

    if (this.mode === 'reject' || filtered.empty) {
      return { errors: filtered.removals.map((removal) => unauthorizedError(removal.path, true)) };
    }

    const document = filtered.document;
    const source = print(document);
    const result = await executor({
      ...requestContext,
      document,
      operation: filtered.operation,
      source,
      queryHash: createHash('sha256').update(source).digest('hex'),
    });
    const { data, errors } = applyRemovals(result.data, filtered.removals);
    return {
      ...result,
      data,
      errors: [...errors, ...(result.errors ?? [])],
    };
  }
}
