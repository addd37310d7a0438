import {
  getNullableType,
  GraphQLError,
  isListType,
  isNonNullType,
  type GraphQLOutputType,
} from 'graphql';
import { UNAUTHORIZED_FIELD_OR_TYPE, type MissingRequirements } from '@mission-graph/service-kit';
import type { RefusalExplainer } from './explain-refusal.js';
import { PLACEHOLDER, type Removal } from './filter-operation.js';

/**
 * Puts back, in the response, what the caller was refused: each removed field is
 * `null` with an `UNAUTHORIZED_FIELD_OR_TYPE` error at its path, and a removed
 * non-null field nulls its parent, as GraphQL's null propagation would.
 */
/**
 * `refused`: the whole operation is refused (answered with HTTP 403). `missing`: what the
 * caller lacks (`requiredScopes`, `purposeRequired`), so the error says what to fix.
 */
export function unauthorizedError(
  path: (string | number)[],
  refused = false,
  missing: MissingRequirements = {},
): GraphQLError {
  return new GraphQLError('Unauthorized field or type', {
    path,
    extensions: { code: UNAUTHORIZED_FIELD_OR_TYPE, ...missing, ...(refused ? { http: { status: 403 } } : {}) },
  });
}

type Json = Record<string, unknown>;

export function applyRemovals(
  data: Json | null | undefined,
  removals: readonly Removal[],
  explain: RefusalExplainer = () => ({}),
): { data: Json | null | undefined; errors: GraphQLError[] } {
  const errors: GraphQLError[] = [];
  if (data) stripPlaceholders(data);
  const seen = new Set<string>();
  for (const removal of removals) {
    // The same field may be removed through two fragments: one null, one error.
    const id = `${removal.path.join('.')}|${removal.coordinate}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const missing = explain(removal.coordinate);
    if (!data) {
      errors.push(unauthorizedError(removal.path, false, missing));
      continue;
    }
    const found = errors.length;
    if (nullInObject(data, removal, 0, [], errors, missing)) data = null;
    // The parent was null or an empty list: still tell the caller what was withheld.
    if (errors.length === found) errors.push(unauthorizedError(removal.path, false, missing));
  }
  return { data, errors };
}

/** Returns true when `object` itself must become null. */
function nullInObject(
  object: Json,
  removal: Removal,
  depth: number,
  path: (string | number)[],
  errors: GraphQLError[],
  missing: MissingRequirements,
): boolean {
  const key = removal.path[depth]!;
  const type = removal.types[depth]!;
  if (depth === removal.path.length - 1) {
    const typename = object.__typename;
    if (typeof typename === 'string' && !removal.onTypes.has(typename)) return false;
    if (key in object && object[key] !== undefined) return false; // another type's selection
    object[key] = null;
    errors.push(unauthorizedError([...path, key], false, missing));
    return isNonNullType(type);
  }
  const child = object[key];
  if (child === null || child === undefined) return false;
  if (nullInValue(child, getNullableType(type), removal, depth + 1, [...path, key], errors, missing)) {
    object[key] = null;
    return isNonNullType(type);
  }
  return false;
}

function nullInValue(
  value: unknown,
  type: GraphQLOutputType,
  removal: Removal,
  depth: number,
  path: (string | number)[],
  errors: GraphQLError[],
  missing: MissingRequirements,
): boolean {
  if (isListType(type)) {
    if (!Array.isArray(value)) return false;
    const itemType = type.ofType as GraphQLOutputType;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      if (item === null || item === undefined) continue;
      if (nullInValue(item, getNullableType(itemType), removal, depth, [...path, index], errors, missing)) {
        value[index] = null;
        if (isNonNullType(itemType)) return true;
      }
    }
    return false;
  }
  return typeof value === 'object' && value !== null && nullInObject(value as Json, removal, depth, path, errors, missing);
}

function stripPlaceholders(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(stripPlaceholders);
  } else if (value && typeof value === 'object') {
    const object = value as Json;
    delete object[PLACEHOLDER];
    Object.values(object).forEach(stripPlaceholders);
  }
}
