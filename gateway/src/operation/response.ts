import {
  GraphQLError,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { UNAUTHORIZED_FIELD_OR_TYPE, type MissingRequirements } from '@mission-graph/service-kit';
import type { ExecutionShape, ShapeNode } from './shape.js';

export interface AuditedEntity {
  type: string;
  id: string;
  /**
   * The record it belongs to: a personal record (`Relocation`) found inside another
   * record (its `ProtectedWitness`) is filed under that one too, so that a reviewer who
   * looks up the witness finds the reads of its relocations.
   */
  owner?: { type: string; id: string };
}

/** A field the gateway withheld, and the record it was withheld on where the response shows one. */
export interface Refusal {
  coordinate: string;
  missing: MissingRequirements;
  entity: AuditedEntity | undefined;
}

/** What one response discloses, read off the data the client is about to receive. */
export interface Disclosures {
  /**
   * Personal-data coordinates (`Type.field`) with a non-null value in the response. A
   * personal record's own `id` is not one: it names the record, in `personalEntities`.
   */
  personalCoordinates: string[];
  /** The records those values belong to (the nearest object with an id). */
  personalEntities: AuditedEntity[];
  /** Whether any of them is a protected witness's identity. */
  witnessIdentity: boolean;
  /** Every record with an id anywhere in the response (what a mutation touched). */
  allEntities: AuditedEntity[];
}

export interface ProcessedResponse {
  data: Record<string, unknown> | null | undefined;
  /** One per withheld field occurrence. */
  errors: GraphQLError[];
  disclosures: Disclosures;
  /** Every withheld field, for the DENIED events (audit/denials.ts). */
  refusals: Refusal[];
}

/**
 * `refused`: the whole operation is refused (answered with HTTP 403). `missing`: what the
 * caller lacks (`requiredScopes`, `purposeRequired`), so the error says what to fix.
 */
export function unauthorizedError(
  path: readonly (string | number)[],
  refused = false,
  missing: MissingRequirements = {},
): GraphQLError {
  return new GraphQLError('Unauthorized field or type', {
    path,
    extensions: { code: UNAUTHORIZED_FIELD_OR_TYPE, ...missing, ...(refused ? { http: { status: 403 } } : {}) },
  });
}

type Json = Record<string, unknown>;
const NULLED = Symbol('nulled');

/**
 * One walk over the response, guided by the execution shape, in place:
 * - removes the gateway's hidden keys (by position in the shape, not by scanning names);
 * - puts `null` and an `UNAUTHORIZED_FIELD_OR_TYPE` error where each withheld field
 *   would have been — on objects of the runtime types it was withheld for, read from
 *   the hidden `__typename` — and a withheld non-null field nulls its parent, as
 *   GraphQL's null propagation does;
 * - collects the personal data the response discloses and the records it belongs to,
 *   forgetting what a propagated null removed again.
 */
export function processResponse(shape: ExecutionShape, data: Json | null | undefined): ProcessedResponse {
  const errors: GraphQLError[] = [];
  const disclosed: { coordinate: string | undefined; entity: AuditedEntity | undefined; witness: boolean }[] = [];
  const refusals: Refusal[] = [];
  const allEntities = new Map<string, AuditedEntity>();
  const emitted = new Set<string>();
  const path: (string | number)[] = [];

  const walkObject = (node: ShapeNode, object: Json, owner: AuditedEntity | undefined): boolean => {
    const mark = disclosed.length;
    let runtime = node.type.name;
    if (node.typenameKey) {
      const typename = object[node.typenameKey];
      delete object[node.typenameKey];
      if (!isObjectType(node.type) && typeof typename === 'string') runtime = typename;
    }
    const ofType = node.byType.get(runtime);
    if (!ofType) return false;
    let self: AuditedEntity | undefined;
    if (ofType.idKey) {
      const id = object[ofType.idKey];
      delete object[ofType.idKey];
      if (typeof id === 'string' || typeof id === 'number') {
        self = { type: runtime, id: String(id) };
        if (ofType.personalRecord && owner) self.owner = owner.owner ?? { type: owner.type, id: owner.id };
        allEntities.set(`${self.type}:${self.id}`, self);
      }
    }
    const nearest = self ?? owner;
    let mustNull = false;
    for (const removed of ofType.removed) {
      object[removed.responseKey] = null;
      path.push(removed.responseKey);
      errors.push(unauthorizedError([...path], false, removed.missing));
      path.pop();
      refusals.push({ coordinate: removed.coordinate, missing: removed.missing, entity: nearest });
      emitted.add(removed.staticPath.join('.'));
      if (isNonNullType(removed.type)) mustNull = true;
    }
    for (const kept of ofType.kept) {
      const value = object[kept.responseKey];
      if (value === null || value === undefined) continue;
      if (kept.personal) {
        const coordinate = kept.selection.fieldName === 'id' ? undefined : kept.coordinate;
        disclosed.push({ coordinate, entity: nearest, witness: kept.witnessIdentity });
      }
      if (!kept.child) continue;
      const before = disclosed.length;
      path.push(kept.responseKey);
      const result = walkValue(kept.child, value, kept.selection.definition.type, nearest);
      path.pop();
      if (result === NULLED) {
        disclosed.length = before;
        object[kept.responseKey] = null;
        if (isNonNullType(kept.selection.definition.type)) mustNull = true;
      }
    }
    if (mustNull) disclosed.length = mark;
    return mustNull;
  };

  const walkValue = (node: ShapeNode, value: unknown, type: GraphQLOutputType, owner: AuditedEntity | undefined): unknown => {
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return value;
      const itemType = nullable.ofType as GraphQLOutputType;
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        if (item === null || item === undefined) continue;
        path.push(index);
        const result = walkValue(node, item, itemType, owner);
        path.pop();
        if (result === NULLED) {
          value[index] = null;
          if (isNonNullType(itemType)) return NULLED;
        }
      }
      return value;
    }
    if (typeof value !== 'object' || value === null) return value;
    return walkObject(node, value as Json, owner) ? NULLED : value;
  };

  let result: Json | null | undefined = data;
  if (data && walkObject(shape.root, data, undefined)) result = null;
  // A withheld field with no object to hold it (a null parent, an empty list, no
  // data at all) is still named, once, at its place in the operation.
  for (const removal of shape.removals) {
    const key = removal.staticPath.join('.');
    if (emitted.has(key)) continue;
    emitted.add(key);
    errors.push(unauthorizedError(removal.staticPath, false, removal.missing));
    refusals.push({ coordinate: removal.coordinate, missing: removal.missing, entity: undefined });
  }
  const entities = new Map<string, AuditedEntity>();
  for (const { entity } of disclosed) if (entity) entities.set(`${entity.type}:${entity.id}`, entity);
  const coordinates = disclosed.flatMap((d) => (d.coordinate === undefined ? [] : [d.coordinate]));
  return {
    data: result,
    errors,
    disclosures: {
      personalCoordinates: [...new Set(coordinates)].sort(),
      personalEntities: [...entities.values()],
      witnessIdentity: disclosed.some((d) => d.witness),
      allEntities: [...allEntities.values()],
    },
    refusals,
  };
}
