import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Removes from an operation every field the caller may not see, before anything is
 * planned or fetched, and records where each one was so that the response can carry
 * `null` and an error at that place.
 *
 * Fragments, inline fragments, aliases and `@skip`/`@include` (evaluated with the
 * request's variables) are followed; the decision for a field is static given the
 * type it is selected on, so a named fragment is filtered once and its removals are
 * placed at every spot it is spread.
 */
export interface Removal {
  /** Response keys from the operation root to the removed field. */
  path: string[];
  /** Output type of the field at each step of `path` (for null propagation). */
  types: GraphQLOutputType[];
  /** Runtime types of the object that would have held the removed key. */
  onTypes: ReadonlySet<string>;
  /** `Type.field` (or the denied `Type` of a fragment). */
  coordinate: string;
}

export interface AccessDecisions {
  /** May the caller read `field` selected on `parentType`? */
  field(parentType: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): boolean;
  /** May the caller read values of `type` (a fragment's type condition)? */
  type(type: GraphQLNamedType): boolean;
}

export interface FilteredOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  removals: Removal[];
  /** Nothing the caller may see is left at the root. */
  empty: boolean;
}

/** Alias of the `__typename` that keeps a selection set valid when all of it was removed. */
export const PLACEHOLDER = '_authorization_placeholder_';

const placeholderSet: SelectionSetNode = {
  kind: Kind.SELECTION_SET,
  selections: [
    {
      kind: Kind.FIELD,
      alias: { kind: Kind.NAME, value: PLACEHOLDER },
      name: { kind: Kind.NAME, value: '__typename' },
    },
  ],
};

interface Walked {
  set: SelectionSetNode | null;
  removals: Removal[];
}

export function filterOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  decide: AccessDecisions,
): FilteredOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const filteredFragments = new Map<string, Walked>();

  const concreteTypes = (type: GraphQLCompositeType): Set<string> =>
    new Set(isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name]);

  const excluded = (node: SelectionNode): boolean => {
    const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
    if (skip?.if === true) return true;
    const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
    return include?.if === false;
  };

  /** Every field a denied fragment would have selected, as removals at this level. */
  const deniedFragment = (set: SelectionSetNode, type: GraphQLCompositeType): Removal[] => {
    const removals: Removal[] = [];
    const onTypes = concreteTypes(type);
    const collect = (selections: SelectionSetNode) => {
      for (const selection of selections.selections) {
        if (excluded(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === '__typename') continue;
          const field = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
          if (!field) continue;
          removals.push({
            path: [selection.alias?.value ?? selection.name.value],
            types: [field.type],
            onTypes,
            coordinate: type.name,
          });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (fragment) collect(fragment.selectionSet);
        }
      }
    };
    collect(set);
    return removals;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): Walked => {
    const kept: SelectionNode[] = [];
    const removals: Removal[] = [];
    for (const selection of set.selections) {
      if (excluded(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        walkField(selection, parent, kept, removals);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        if (!condition || !isCompositeType(condition)) continue;
        if (!decide.type(condition)) {
          removals.push(...deniedFragment(selection.selectionSet, condition));
          continue;
        }
        const inner = walk(selection.selectionSet, condition);
        removals.push(...inner.removals);
        if (inner.set) kept.push({ ...selection, selectionSet: inner.set });
      } else {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !condition || !isCompositeType(condition)) continue;
        if (!decide.type(condition)) {
          removals.push(...deniedFragment(fragment.selectionSet, condition));
          continue;
        }
        let inner = filteredFragments.get(fragment.name.value);
        if (!inner) {
          inner = walk(fragment.selectionSet, condition);
          filteredFragments.set(fragment.name.value, inner);
        }
        removals.push(...inner.removals);
        if (inner.set) kept.push(selection);
      }
    }
    return { set: kept.length > 0 ? { ...set, selections: kept } : null, removals };
  };

  const walkField = (
    node: FieldNode,
    parent: GraphQLCompositeType,
    kept: SelectionNode[],
    removals: Removal[],
  ) => {
    const name = node.name.value;
    if (name.startsWith('__')) {
      kept.push(node);
      return;
    }
    const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (!field) return; // validation already refused unknown fields
    const key = node.alias?.value ?? name;
    if (!decide.field(parent, field)) {
      removals.push({ path: [key], types: [field.type], onTypes: concreteTypes(parent), coordinate: `${parent.name}.${name}` });
      return;
    }
    if (!node.selectionSet) {
      kept.push(node);
      return;
    }
    const inner = walk(node.selectionSet, getNamedType(field.type) as GraphQLCompositeType);
    for (const removal of inner.removals) {
      removals.push({ ...removal, path: [key, ...removal.path], types: [field.type, ...removal.types] });
    }
    kept.push({ ...node, selectionSet: inner.set ?? placeholderSet });
  };

  const root = schema.getRootType(operation.operation);
  if (!root) throw new Error(`The schema has no ${operation.operation} type`);
  const walked = walk(operation.selectionSet, root);
  // Nothing withheld: the operation runs as sent (skipped selections are the executor's job).
  if (walked.removals.length === 0) return { document, operation, removals: [], empty: false };
  const filteredOperation: OperationDefinitionNode = {
    ...operation,
    selectionSet: walked.set ?? placeholderSet,
  };

  // Keep only fragments still spread somewhere, each in its filtered form.
  const used = new Set<string>();
  const markSpreads = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (used.has(selection.name.value)) continue;
        used.add(selection.name.value);
        const fragmentSet = filteredFragments.get(selection.name.value)?.set;
        if (fragmentSet) markSpreads(fragmentSet);
      } else if (selection.selectionSet) {
        markSpreads(selection.selectionSet);
      }
    }
  };
  markSpreads(filteredOperation.selectionSet);
  const fragmentDefinitions = [...used].flatMap((name) => {
    const original = fragments.get(name);
    const set = filteredFragments.get(name)?.set;
    return original && set ? [{ ...original, selectionSet: set }] : [];
  });

  return {
    document: { kind: Kind.DOCUMENT, definitions: [filteredOperation, ...fragmentDefinitions] },
    operation: filteredOperation,
    removals: walked.removals,
    empty: walked.set === null,
  };
}
