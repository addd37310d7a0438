import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { currentRequest } from './request-scope.js';

/**
 * Tells the HTTP layer (request log line, metrics) what the GraphQL layer learned:
 * the operation's name and type once it resolved against the schema (a name from a
 * request that never parsed is not trusted), and the outcome — `success` without
 * errors, `partial` with data and errors, `error` without data — with each error's code.
 */
export function operationReportPlugin<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      const scope = currentRequest();
      if (!scope) return;
      scope.operationType = 'unknown';
      return {
        async didResolveOperation({ operation, operationName }) {
          scope.operationName = operationName ?? operation?.name?.value;
          scope.operationType = operation?.operation ?? 'unknown';
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          scope.errorCodes = (errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          scope.outcome = !errors?.length ? 'success' : data ? 'partial' : 'error';
        },
      };
    },
  };
}
