import type { AccessRule } from './access-rules.js';

/** Who is asking, as established by the gateway from the caller's JWT. */
export interface Caller {
  /** A verified token was presented. */
  authenticated: boolean;
  /** `sub` of the caller's token. */
  subject?: string | undefined;
  /** `azp` / `client_id` of the caller's token (machine clients). */
  clientId?: string | undefined;
  /**
   * No person behind the token: a client-credentials token (its `sub` is its own client
   * id, in `azp` or `client_id`, or it says `gty: client-credentials`) or any token of a
   * client registered as `machine`. Such a caller is never one of the four eyes.
   */
  machine?: boolean | undefined;
  /** OAuth2 scopes (`scope` claim, space separated). */
  scopes: ReadonlySet<string>;
  /** Declared purpose (`X-Access-Purpose`: case reference and reason). */
  purpose?: string | undefined;
  /** Correlates the gateway's request with the subgraph requests it makes. */
  requestId?: string | undefined;
  /**
   * Emergency justification (`X-Break-Glass` header). Opens nothing by itself: a
   * subgraph honours it only together with the `witness-protection:break-glass` scope,
   * and every use is flagged in the audit trail.
   */
  breakGlass?: string | undefined;
  /**
   * The contract schema the gateway validated the request against: `external` for
   * `/external/graphql` (other systems), undefined for the internal API. Subgraphs serve
   * an external request only what the contract holds, and never a record that may not
   * leave the mission (handling codes H2/H3), at any depth.
   */
  contract?: Contract | undefined;
  /**
   * The operation as the client sent it — its name and the SHA-256 of its document —
   * set by the gateway for the subgraph requests it makes, which carry the query
   * planner's operation instead. The audit service records reads of the trail under it.
   */
  operation?: ClientOperation | undefined;
}

/** The client's own operation name and document hash (see `Caller.operation`). */
export interface ClientOperation {
  name: string | null;
  /** Lower-case hex SHA-256 of the document the client sent. */
  documentHash: string;
}

/** The contract schemas the graph serves besides its internal API (`@tag(name: …)` in the SDL). */
export const CONTRACTS = ['external'] as const;
export type Contract = (typeof CONTRACTS)[number];

/** Did the request come through the external contract (`/external/graphql`)? */
export const isExternal = (caller: Caller): boolean => caller.contract === 'external';

export const ANONYMOUS: Caller = { authenticated: false, scopes: new Set() };

/** A named policy of `@policy(policies: …)`: a pure decision over the caller. */
export type Policy = (caller: Caller) => boolean;

/**
 * Policies registered by name. `purpose_declared`: personal data needs a declared
 * purpose. A policy name that is not registered denies (fail closed).
 */
export const POLICIES: Readonly<Record<string, Policy>> = {
  purpose_declared: (caller) => (caller.purpose ?? '').trim().length > 0,
};

export function satisfies(
  rule: AccessRule,
  caller: Caller,
  policies: Readonly<Record<string, Policy>> = POLICIES,
): boolean {
  if ((rule.authenticated || rule.scopes || rule.policies) && !caller.authenticated) return false;
  if (rule.scopes && !rule.scopes.some((all) => all.every((scope) => caller.scopes.has(scope)))) {
    return false;
  }
  if (
    rule.policies &&
    !rule.policies.some((all) => all.every((name) => Object.hasOwn(policies, name) && policies[name]!(caller)))
  ) {
    return false;
  }
  return true;
}
