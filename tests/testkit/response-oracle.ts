/**
 * The oracle of the authorization property test. Where each key of a response comes
 * from is read off the gateway's own normalized operation (one reading of the
 * document, shared with the gateway, not re-derived here); whether the caller may see
 * it is decided here, independently, from the rules in the supergraph:
 * a value of `Type.field` may be seen when the caller satisfies the rule of that
 * field, of `Type` and of the type the field returns.
 *
 * It reports (a) values the caller may not see, and keys nobody asked for (a hidden
 * selection left in the answer); (b) personal values the audit trail does not name;
 * (c) values the caller may see that were withheld.
 */
import {
  getNamedType,
  getVariableValues,
  isObjectType,
  Kind,
  parse,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { normalizeOperation, type FieldSelection, type SelectionTree } from '@mission-graph/gateway/operation';
import { satisfies, type AccessRules, type Caller } from '@mission-graph/service-kit';

const PERSONAL_SCOPES = new Set(['operations:personnel', 'police-cooperation:subject', 'forensics:personal', 'witness-protection:identity']);

export interface ObservedValue {
  path: (string | number)[];
  /** `RuntimeType.field`. */
  coordinate: string;
  value: unknown;
  /** The nearest object (itself or above) whose type has an `id`: its type, and its id when the client selected it. */
  record: { type: string; id: string | undefined } | undefined;
}

export interface Oracle {
  /** Every non-meta value in the response, with where it came from. */
  values(data: unknown): ObservedValue[];
  /** May the caller see `Type.field`? */
  mayRead(caller: Caller, coordinate: string): boolean;
  isPersonal(coordinate: string): boolean;
  /** Keys in the response that the operation did not ask for. */
  unexpectedKeys(data: unknown): string[];
  /** The coordinate(s) a response path can hold (every runtime type that selects that key there). */
  coordinatesAt(path: readonly (string | number)[]): string[];
}

export function responseOracle(
  schema: GraphQLSchema,
  rules: AccessRules,
  operationText: string,
  variableValues: Record<string, unknown>,
): Oracle {
  const document = parse(operationText);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues);
  if (coerced.errors) throw coerced.errors[0];
  const { root } = normalizeOperation(schema, document, operation, coerced.coerced);

  const holds = (kind: 'types' | 'fields', key: string, caller: Caller) => {
    const rule = rules[kind].get(key);
    return !rule || satisfies(rule, caller);
  };
  const mentionsPersonal = (kind: 'types' | 'fields', key: string) =>
    rules[kind].get(key)?.scopes?.some((all) => all.some((scope) => PERSONAL_SCOPES.has(scope))) ?? false;

  /** The runtime type of an object at a selection tree: static, or read from its __typename key. */
  const runtimeOf = (tree: SelectionTree, object: Record<string, unknown>): string | undefined => {
    if (isObjectType(tree.type)) return tree.type.name;
    for (const selections of tree.byType.values()) {
      const typename = selections.find((s) => s.fieldName === '__typename');
      if (typename && typeof object[typename.responseKey] === 'string') return object[typename.responseKey] as string;
    }
    return undefined;
  };

  const walk = (
    tree: SelectionTree,
    value: unknown,
    path: (string | number)[],
    record: ObservedValue['record'],
    visit: (tree: SelectionTree, runtime: string | undefined, object: Record<string, unknown>, path: (string | number)[], record: ObservedValue['record']) => void,
  ): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(tree, item, [...path, index], record, visit));
      return;
    }
    const object = value as Record<string, unknown>;
    const runtime = runtimeOf(tree, object);
    visit(tree, runtime, object, path, record);
  };

  const recordOf = (runtime: string, selections: readonly FieldSelection[], object: Record<string, unknown>, above: ObservedValue['record']) => {
    const type = schema.getType(runtime);
    if (!isObjectType(type) || !type.getFields().id) return above;
    const idKey = selections.find((s) => s.fieldName === 'id')?.responseKey;
    const id = idKey !== undefined && typeof object[idKey] === 'string' ? (object[idKey] as string) : undefined;
    return { type: runtime, id };
  };

  return {
    values(data) {
      const found: ObservedValue[] = [];
      const visit = (tree: SelectionTree, runtime: string | undefined, object: Record<string, unknown>, path: (string | number)[], above: ObservedValue['record']) => {
        if (!runtime) return;
        const selections = tree.byType.get(runtime) ?? [];
        const record = recordOf(runtime, selections, object, above);
        for (const selection of selections) {
          if (selection.fieldName.startsWith('__')) continue;
          const value = object[selection.responseKey];
          const at = [...path, selection.responseKey];
          found.push({ path: at, coordinate: `${runtime}.${selection.fieldName}`, value, record });
          if (selection.children) walk(selection.children, value, at, record, visit);
        }
      };
      walk(root, data, [], undefined, visit);
      return found;
    },
    mayRead(caller, coordinate) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      if (!field) return false;
      return holds('types', typeName, caller) && holds('fields', coordinate, caller) && holds('types', getNamedType(field.type).name, caller);
    },
    isPersonal(coordinate) {
      return mentionsPersonal('fields', coordinate) || mentionsPersonal('types', coordinate.split('.')[0]!);
    },
    unexpectedKeys(data) {
      const unexpected: string[] = [];
      const visit = (tree: SelectionTree, runtime: string | undefined, object: Record<string, unknown>, path: (string | number)[], above: ObservedValue['record']) => {
        const selections = runtime ? (tree.byType.get(runtime) ?? []) : [...tree.byType.values()].flat();
        const known = new Set(selections.map((s) => s.responseKey));
        for (const key of Object.keys(object)) if (!known.has(key)) unexpected.push([...path, key].join('.'));
        for (const selection of selections) {
          if (selection.children) walk(selection.children, object[selection.responseKey], [...path, selection.responseKey], above, visit);
        }
      };
      walk(root, data, [], undefined, visit);
      return unexpected;
    },
    coordinatesAt(path) {
      let trees: SelectionTree[] = [root];
      let coordinates: string[] = [];
      for (const part of path) {
        if (typeof part === 'number') continue;
        const next: SelectionTree[] = [];
        coordinates = [];
        for (const tree of trees) {
          for (const [runtime, selections] of tree.byType) {
            const selection = selections.find((s) => s.responseKey === part);
            if (!selection) continue;
            coordinates.push(`${runtime}.${selection.fieldName}`);
            if (selection.children) next.push(selection.children);
          }
        }
        trees = next;
      }
      return coordinates;
    },
  };
}
