import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The one normalized form of an operation that everything in the gateway works from:
 * authorization, the audit's hidden selections, cost, reading disclosures from the
 * response and putting back what was withheld.
 *
 * `@include`/`@skip` are resolved with the request's coerced variables, and every
 * fragment is expanded — once per (selection set, runtime type), memoized, so a
 * fragment spread twice by each of 28 fragments costs 28 expansions, not 2^28 — into
 * a tree that says, for each possible runtime type of each selection set, exactly
 * which response keys an object of that type carries: the shape graphql-js gives the
 * response itself (CollectFields in the spec).
 */
export interface SelectionTree {
  /** The static type of the selection set (the field's named type, or the root). */
  type: GraphQLCompositeType;
  /** Runtime object type name → the fields an object of that type carries, in response order. */
  byType: ReadonlyMap<string, readonly FieldSelection[]>;
}

/** One response key on one runtime type: every field node merged under it. */
export interface FieldSelection {
  responseKey: string;
  fieldName: string;
  /** The field on the runtime type (or a meta field: `__typename`, `__schema`, `__type`). */
  definition: GraphQLField<unknown, unknown>;
  /** The types whose selection sets wrote this key: the runtime type itself or an abstract type above it. */
  selectedOn: readonly GraphQLCompositeType[];
  /** The client's field nodes merged under this key (same field and arguments, validation guarantees). */
  nodes: readonly FieldNode[];
  /** Its sub-selection, for a field of composite type. */
  children: SelectionTree | undefined;
}

export interface NormalizedOperation {
  /** The client's operation definition (its name, kind and variable definitions are kept). */
  operation: OperationDefinitionNode;
  root: SelectionTree;
}

/** Objects of `type` at runtime: the type itself, or every implementation / member. */
export function possibleTypes(schema: GraphQLSchema, type: GraphQLCompositeType): readonly GraphQLObjectType[] {
  return isAbstractType(type) ? schema.getPossibleTypes(type) : [type as GraphQLObjectType];
}

interface Collected {
  fieldName: string;
  nodes: FieldNode[];
  selectedOn: GraphQLCompositeType[];
}
type CollectedFields = Map<string, Collected>;

export function normalizeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): NormalizedOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const excluded = (node: { readonly directives?: readonly DirectiveNode[] }): boolean => {
    if (!node.directives?.length) return false;
    const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
    if (skip?.if === true) return true;
    const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
    return include?.if === false;
  };
  const applies = (condition: GraphQLCompositeType, runtime: GraphQLObjectType): boolean =>
    condition === runtime || (isAbstractType(condition) && schema.isSubType(condition, runtime));

  // (selection set, runtime type) → its collected fields: every fragment is expanded once.
  const collectMemo = new Map<SelectionSetNode, Map<string, CollectedFields>>();
  const collect = (runtime: GraphQLObjectType, set: SelectionSetNode, on: GraphQLCompositeType): CollectedFields => {
    let byRuntime = collectMemo.get(set);
    const cached = byRuntime?.get(runtime.name);
    if (cached) return cached;
    const fields: CollectedFields = new Map();
    for (const selection of set.selections) {
      if (excluded(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        addField(fields, selection.alias?.value ?? selection.name.value, {
          fieldName: selection.name.value,
          nodes: [selection],
          selectedOn: [on],
        });
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue; // validation refused unknown fragments
      const conditionName = fragment.typeCondition?.name.value;
      const condition = conditionName ? schema.getType(conditionName) : on;
      if (!condition || !isCompositeType(condition) || !applies(condition, runtime)) continue;
      for (const [key, entry] of collect(runtime, fragment.selectionSet, condition)) addField(fields, key, entry);
    }
    if (!byRuntime) collectMemo.set(set, (byRuntime = new Map()));
    byRuntime.set(runtime.name, fields);
    return fields;
  };

  // Trees are shared where the same merged field reaches the same selection sets.
  const treeMemo = new Map<string, SelectionTree>();
  const setIds = new Map<SelectionSetNode, number>();
  const idOf = (set: SelectionSetNode) => {
    let id = setIds.get(set);
    if (id === undefined) setIds.set(set, (id = setIds.size));
    return id;
  };

  const treeOf = (type: GraphQLCompositeType, sets: readonly { set: SelectionSetNode; on: GraphQLCompositeType }[]): SelectionTree => {
    const memoKey = `${type.name}:${sets.map((s) => idOf(s.set)).join(',')}`;
    const cached = treeMemo.get(memoKey);
    if (cached) return cached;
    const byType = new Map<string, FieldSelection[]>();
    for (const runtime of possibleTypes(schema, type)) {
      const merged: CollectedFields = new Map();
      for (const { set, on } of sets) {
        for (const [key, entry] of collect(runtime, set, on)) addField(merged, key, entry);
      }
      const selections: FieldSelection[] = [];
      for (const [responseKey, entry] of merged) {
        const definition = fieldDefinition(schema, runtime, entry.fieldName);
        if (!definition) continue; // validation refused unknown fields
        const named = getNamedType(definition.type);
        const childSets = entry.nodes.flatMap((node) =>
          node.selectionSet ? [{ set: node.selectionSet, on: named as GraphQLCompositeType }] : [],
        );
        selections.push({
          responseKey,
          fieldName: entry.fieldName,
          definition,
          selectedOn: entry.selectedOn,
          nodes: entry.nodes,
          children: isCompositeType(named) && childSets.length > 0 ? treeOf(named, childSets) : undefined,
        });
      }
      byType.set(runtime.name, selections);
    }
    const tree: SelectionTree = { type, byType };
    treeMemo.set(memoKey, tree);
    return tree;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) throw new Error(`The schema has no ${operation.operation} type`);
  return { operation, root: treeOf(root, [{ set: operation.selectionSet, on: root }]) };
}

/** Adds an entry under a response key, merging nodes (by identity) with what is there. */
function addField(fields: CollectedFields, key: string, entry: Collected): void {
  const existing = fields.get(key);
  if (!existing) {
    fields.set(key, { fieldName: entry.fieldName, nodes: [...entry.nodes], selectedOn: [...entry.selectedOn] });
    return;
  }
  for (const node of entry.nodes) if (!existing.nodes.includes(node)) existing.nodes.push(node);
  for (const on of entry.selectedOn) if (!existing.selectedOn.includes(on)) existing.selectedOn.push(on);
}

function fieldDefinition(
  schema: GraphQLSchema,
  runtime: GraphQLObjectType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (runtime === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return runtime.getFields()[name];
}

/** Names of the variables an operation's `@include`/`@skip` conditions read (they shape the tree). */
export function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const visitSet = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      for (const directive of selection.directives ?? []) {
        if (directive.name.value !== 'include' && directive.name.value !== 'skip') continue;
        for (const argument of directive.arguments ?? []) {
          if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
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
  return [...names].sort();
}
