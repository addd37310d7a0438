import type { ApolloServerPlugin } from '@apollo/server';
import type { FrontDoorContext } from '../clients/admission.js';

/** Puts the request's `RateLimit` / `RateLimit-Policy` fields on its answer. */
export function rateLimitHeadersPlugin(): ApolloServerPlugin<FrontDoorContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          for (const [name, value] of contextValue.rateLimitHeaders ?? []) response.http.headers.set(name, value);
        },
      };
    },
  };
}
