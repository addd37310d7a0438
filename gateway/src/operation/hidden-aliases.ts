import { createHmac, randomBytes } from 'node:crypto';
import { GraphQLError, Kind, type DocumentNode, type SelectionSetNode } from 'graphql';

/**
 * The gateway adds selections of its own to what runs (the runtime type of objects
 * under a union, the ids the audit names records by) and removes them from the
 * response before it is sent. They live under aliases in a reserved namespace:
 *
 * - A client alias in that namespace is refused (`BAD_USER_INPUT` naming it), so a
 *   client key can never be taken for a hidden one, nor a hidden one overwritten by
 *   the client's (`_audit_id_: caseNumber` once wrote a record id of the caller's
 *   choosing).
 * - Inside the namespace each operation shape gets its own unguessable tag:
 *   HMAC(process secret, shape). Not per request: the tag is part of the document the
 *   query planner sees, and @apollo/gateway caches plans by document hash, so a fresh
 *   tag per request would plan every request anew. Per shape it is still unknowable
 *   to clients (the secret never leaves the process, hidden keys are stripped from
 *   answers and from error paths), and knowing one shape's tag says nothing of another's.
 */
export const RESERVED_ALIAS_PREFIX = '_mg_';

const processSecret = randomBytes(32);

export interface HiddenAliases {
  /** Alias of the hidden `__typename`. */
  typename: string;
  /** Alias of the hidden `id`. */
  id: string;
}

export function hiddenAliases(shapeKey: string): HiddenAliases {
  const tag = createHmac('sha256', processSecret).update(shapeKey).digest('hex').slice(0, 16);
  return { typename: `${RESERVED_ALIAS_PREFIX}${tag}_t`, id: `${RESERVED_ALIAS_PREFIX}${tag}_id` };
}

export function isReservedKey(key: string | number): boolean {
  return typeof key === 'string' && key.startsWith(RESERVED_ALIAS_PREFIX);
}

/** The first client alias (or field name) in the reserved namespace, as a typed refusal. */
export function reservedAliasError(document: DocumentNode): GraphQLError | undefined {
  let found: string | undefined;
  const visitSet = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (found) return;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (isReservedKey(key)) {
          found = key;
          return;
        }
      }
      if (selection.kind !== Kind.FRAGMENT_SPREAD) visitSet(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
      visitSet(definition.selectionSet);
    }
  }
  if (!found) return undefined;
  return new GraphQLError(
    `The alias "${found}" is in the namespace "${RESERVED_ALIAS_PREFIX}" the gateway reserves for itself; choose another.`,
    { extensions: { code: 'BAD_USER_INPUT', alias: found, http: { status: 400 } } },
  );
}
