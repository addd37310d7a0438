import { createHash } from 'node:crypto';
import {
  isAbstractType,
  isObjectType,
  Kind,
  print,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import type { MissingRequirements } from '@mission-graph/service-kit';
import type { PersonalData } from '../audit/personal-data.js';
import type { AccessDecisions } from '../authorization/decisions.js';
import type { RefusalExplainer } from '../authorization/explain-refusal.js';
import type { HiddenAliases } from './hidden-aliases.js';
import type { FieldSelection, NormalizedOperation, SelectionTree } from './normalize.js';

/**
 * What actually runs for one caller: the normalized operation cut down to what the
 * caller may see, plus the gateway's hidden selections, printed as one flat document
 * (no fragments, no `@include`/`@skip`: both were resolved while normalizing). The
 * same structure then guides the single walk over the response (response.ts).
 */
export interface ShapeNode {
  type: GraphQLCompositeType;
  /**
   * Key of the hidden `__typename`: under a union (to know each object's runtime type),
   * or in a set left empty. Decided while the document is printed.
   */
  typenameKey: string | undefined;
  /** Runtime object type name → what objects of that type carry. */
  byType: ReadonlyMap<string, ShapeOfType>;
}

export interface ShapeOfType {
  /** Key of the hidden `id` the audit names records by (decided while printing). */
  idKey: string | undefined;
  /** Every value of this type is personal data: found inside another record, it is filed under that one too. */
  personalRecord: boolean;
  kept: readonly KeptField[];
  removed: readonly RemovedField[];
}

export interface KeptField {
  responseKey: string;
  selection: FieldSelection;
  /** `RuntimeType.field`. */
  coordinate: string;
  /** Personal data: its disclosure is audited. */
  personal: boolean;
  /** A protected witness's identity (break-glass is flagged on these). */
  witnessIdentity: boolean;
  child: ShapeNode | undefined;
}

/** A field the caller may not see: never fetched; `null` and an error where it would have been. */
export interface RemovedField {
  responseKey: string;
  coordinate: string;
  type: GraphQLOutputType;
  /** Response keys from the root, without list indices (where the error goes when no object held the field). */
  staticPath: readonly string[];
  /** What the caller lacks for it (`requiredScopes`, `purposeRequired`), for its error. */
  missing: MissingRequirements;
}

export interface ExecutionShape {
  root: ShapeNode;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  source: string;
  /** Hash of `source`: @apollo/gateway caches query plans by it. */
  queryHash: string;
  removals: readonly RemovedField[];
  /** Nothing the caller may see is left at the root. */
  empty: boolean;
  /** Hidden ids were added: a mutation, or an operation that may disclose personal data. */
  audited: boolean;
  /** The response carries hidden keys, removals or disclosures: it must be walked. */
  needsResponseWalk: boolean;
}

export interface ShapeOptions {
  schema: GraphQLSchema;
  decisions: AccessDecisions;
  personal: PersonalData;
  hidden: HiddenAliases;
  /** What a caller lacks for a refused coordinate; default: nothing said. */
  explain?: RefusalExplainer;
}

export function buildShape(normalized: NormalizedOperation, options: ShapeOptions): ExecutionShape {
  const { schema, decisions, personal, hidden } = options;
  const explain = options.explain ?? (() => ({}));
  const removals: RemovedField[] = [];
  let mayDisclose = false;

  // 1. Cut to what the caller may see. A key is kept when any of the places it was
  //    written allows it (a field written on a union member is judged on that member).
  const cut = (tree: SelectionTree, path: readonly string[]): ShapeNode => {
    const byType = new Map<string, ShapeOfType>();
    for (const [runtimeName, selections] of tree.byType) {
      const kept: KeptField[] = [];
      const removed: RemovedField[] = [];
      for (const selection of selections) {
        const coordinate = `${runtimeName}.${selection.fieldName}`;
        const allowed =
          selection.fieldName.startsWith('__') ||
          selection.selectedOn.some((on) => decisions.field(on, selection.fieldName));
        if (!allowed) {
          const removal = {
            responseKey: selection.responseKey,
            coordinate,
            type: selection.definition.type,
            staticPath: [...path, selection.responseKey],
            missing: explain(coordinate),
          };
          removed.push(removal);
          removals.push(removal);
          continue;
        }
        const isPersonal = personal.isPersonal(runtimeName, selection.fieldName);
        if (isPersonal) mayDisclose = true;
        kept.push({
          responseKey: selection.responseKey,
          selection,
          coordinate,
          personal: isPersonal,
          witnessIdentity: isPersonal && personal.isWitnessIdentity(runtimeName, selection.fieldName),
          child: selection.children ? cut(selection.children, [...path, selection.responseKey]) : undefined,
        });
      }
      byType.set(runtimeName, { idKey: undefined, personalRecord: personal.isPersonalType(runtimeName), kept, removed });
    }
    return { type: tree.type, typenameKey: undefined, byType };
  };
  const root = cut(normalized.root, []);
  const isMutation = normalized.operation.operation === 'mutation';
  const audited = isMutation || mayDisclose;
  const needsRuntimeTypes = audited || removals.length > 0;
  // Records are named by id where something is disclosed, changed — or refused: a
  // DENIED event says on which record a field was refused, where the response shows it.
  const namesRecords = needsRuntimeTypes;

  // 2. The hidden selections, and 3. the document that runs.
  let hiddenUsed = false;
  const printNode = (node: ShapeNode, isRoot: boolean): SelectionNode[] => {
    if (needsRuntimeTypes && isAbstractType(node.type)) node.typenameKey = hidden.typename;
    const perType: { runtime: string; selections: SelectionNode[] }[] = [];
    for (const [runtime, ofType] of node.byType) {
      const selections: SelectionNode[] = [];
      const type = schema.getType(runtime);
      if (namesRecords && !isRoot && isObjectType(type) && type.getFields().id) {
        ofType.idKey = hidden.id;
        selections.push(fieldNode(hidden.id, 'id'));
        hiddenUsed = true;
      }
      for (const kept of ofType.kept) {
        selections.push(printField(kept, kept.child ? printNode(kept.child, false) : undefined));
      }
      if (selections.length > 0) perType.push({ runtime, selections });
    }
    let selections: SelectionNode[];
    if (isObjectType(node.type)) {
      selections = perType[0]?.selections ?? [];
    } else {
      selections = perType.map(({ runtime, selections: inner }) => ({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: runtime } },
        selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
      }));
    }
    // An empty selection set is not valid GraphQL: keep it with a hidden __typename.
    if (selections.length === 0) node.typenameKey = hidden.typename;
    if (node.typenameKey) {
      selections.unshift(fieldNode(node.typenameKey, '__typename'));
      hiddenUsed = true;
    }
    return selections;
  };
  const client = normalized.operation;
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: client.operation,
    ...(client.name ? { name: client.name } : {}),
    variableDefinitions: client.variableDefinitions ?? [],
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: printNode(root, true) },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
  const source = print(document);
  const rootKept = [...root.byType.values()].some((ofType) => ofType.kept.length > 0);
  return {
    root,
    document,
    operation,
    source,
    queryHash: createHash('sha256').update(source).digest('hex'),
    removals,
    empty: removals.length > 0 && !rootKept,
    audited,
    needsResponseWalk: hiddenUsed || removals.length > 0 || audited,
  };
}

function fieldNode(alias: string, name: string): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: alias },
    name: { kind: Kind.NAME, value: name },
  };
}

function printField(kept: KeptField, children: SelectionNode[] | undefined): FieldNode {
  const node = kept.selection.nodes[0]!;
  return {
    kind: Kind.FIELD,
    ...(kept.responseKey !== kept.selection.fieldName ? { alias: { kind: Kind.NAME, value: kept.responseKey } } : {}),
    name: node.name,
    arguments: node.arguments ?? [],
    directives: [],
    ...(children ? { selectionSet: { kind: Kind.SELECTION_SET, selections: children } } : {}),
  };
}
