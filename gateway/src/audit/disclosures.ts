import {
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { AUDIT_ID, AUDIT_TYPE } from './instrument.js';
import type { PersonalData } from './personal-data.js';

export interface AuditedEntity {
  type: string;
  id: string;
}

/** What one response discloses, read off the data the client is about to receive. */
export interface Disclosures {
  /** Personal-data coordinates (`Type.field`) with a non-null value in the response. */
  personalCoordinates: string[];
  /** The records those values belong to (the nearest object with an id). */
  personalEntities: AuditedEntity[];
  /** Whether any of them is a protected witness's identity. */
  witnessIdentity: boolean;
  /** Every record with an id anywhere in the response (what a mutation touched). */
  allEntities: AuditedEntity[];
}

type Json = Record<string, unknown>;

/**
 * Walks the response with the (instrumented) operation: collects the disclosures and
 * removes the audit's own hidden fields from the data, in place.
 */
export function readDisclosures(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: Json | null | undefined,
  personal: PersonalData,
): Disclosures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const coordinates = new Set<string>();
  const personalEntities = new Map<string, AuditedEntity>();
  const allEntities = new Map<string, AuditedEntity>();
  let witnessIdentity = false;
  const key = (entity: AuditedEntity) => `${entity.type}:${entity.id}`;

  const visitObject = (set: SelectionSetNode, staticType: GraphQLCompositeType, object: Json, owner: AuditedEntity | undefined) => {
    const runtimeName = typeof object[AUDIT_TYPE] === 'string' ? (object[AUDIT_TYPE] as string) : staticType.name;
    const idValue = object[AUDIT_ID];
    const self = typeof idValue === 'string' || typeof idValue === 'number' ? { type: runtimeName, id: String(idValue) } : undefined;
    if (self) allEntities.set(key(self), self);
    const nearest = self ?? owner;
    const runtime = schema.getType(runtimeName);
    const holder = runtime && isCompositeType(runtime) ? runtime : staticType;

    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const conditionName = fragment.typeCondition?.name.value;
        const condition = conditionName ? schema.getType(conditionName) : holder;
        if (!condition || !isCompositeType(condition)) continue;
        // A fragment on another concrete type does not apply to this object.
        if (isObjectType(condition) && condition.name !== runtimeName) continue;
        visitObject(fragment.selectionSet, condition, object, owner);
        continue;
      }
      const responseKey = selection.alias?.value ?? selection.name.value;
      const value = object[responseKey];
      if (selection.name.value.startsWith('__') || value === null || value === undefined) continue;
      if (personal.isPersonal(holder.name, selection.name.value)) {
        coordinates.add(`${holder.name}.${selection.name.value}`);
        if (nearest) personalEntities.set(key(nearest), nearest);
        if (personal.isWitnessIdentity(holder.name, selection.name.value)) witnessIdentity = true;
      }
      if (selection.selectionSet && 'getFields' in holder) {
        const field = holder.getFields()[selection.name.value];
        const childType = field && getNamedType(field.type);
        if (childType && isCompositeType(childType)) visitValue(selection.selectionSet, childType, value, nearest);
      }
    }
  };

  const visitValue = (set: SelectionSetNode, type: GraphQLCompositeType, value: unknown, owner: AuditedEntity | undefined) => {
    if (Array.isArray(value)) value.forEach((item) => visitValue(set, type, item, owner));
    else if (value && typeof value === 'object') visitObject(set, type, value as Json, owner);
  };

  const root = schema.getRootType(operation.operation);
  if (data && root) visitObject(operation.selectionSet, root, data, undefined);
  if (data) stripHidden(data);
  return {
    personalCoordinates: [...coordinates].sort(),
    personalEntities: [...personalEntities.values()],
    witnessIdentity,
    allEntities: [...allEntities.values()],
  };
}

function stripHidden(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(stripHidden);
  } else if (value && typeof value === 'object') {
    const object = value as Json;
    delete object[AUDIT_TYPE];
    delete object[AUDIT_ID];
    Object.values(object).forEach(stripHidden);
  }
}
