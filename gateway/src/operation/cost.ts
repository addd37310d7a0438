import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
} from 'graphql';
import type { Caller } from '@mission-graph/service-kit';
import type { FieldSelection, NormalizedOperation, SelectionTree } from './normalize.js';

/**
 * Demand control after the IBM GraphQL cost specification, as Apollo Router and
 * Hive Gateway implement it: the subgraphs' SDL says what a field weighs (`@cost`)
 * and how long its lists are (`@listSize`); composition carries both into the
 * supergraph; the gateway estimates each operation before planning it.
 *
 * - An object (or union) costs 1, a scalar or enum 0, unless `@cost(weight:)` on the
 *   field or on the type says otherwise; a mutation root field costs 10.
 * - A list multiplies what it holds by its size: the value of a slicing argument
 *   (`first`), else `assumedSize`, else the default list size. `sizedFields` hands that
 *   size to a connection's `edges`.
 * - Introspection and `__typename` are answered by the gateway itself: 0.
 */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

export interface CostModel {
  /** `Type.field` → weight. */
  fieldWeights: ReadonlyMap<string, number>;
  /** `Type` → weight. */
  typeWeights: ReadonlyMap<string, number>;
  /** `Type.field` → its list sizing. */
  listSizes: ReadonlyMap<string, ListSize>;
}

export type CostMode = 'measure' | 'enforce';

export interface CostSettings {
  /** Largest estimated cost an operation may have. */
  max: number;
  /** `enforce` refuses operations above the maximum; `measure` only reports and logs them. */
  mode: CostMode;
  /** Size assumed for a list without `@listSize`. */
  defaultListSize: number;
  /** A caller holding one of these scopes gets the largest of their maxima instead. */
  maxByScope?: ReadonlyMap<string, number>;
  /** A client (`azp`/`client_id`) listed here gets its own maximum (before scopes). */
  maxByClient?: ReadonlyMap<string, number>;
}

const MUTATION_WEIGHT = 10;

/** Reads `@cost` and `@listSize` off the supergraph SDL. */
export function readCostModel(supergraph: DocumentNode): CostModel {
  const fieldWeights = new Map<string, number>();
  const typeWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives);
    if (typeWeight !== undefined) typeWeights.set(typeName, typeWeight);
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      const coordinate = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives);
      if (weight !== undefined) fieldWeights.set(coordinate, weight);
      const listSize = field.directives?.find((d) => d.name.value === 'listSize');
      if (listSize) listSizes.set(coordinate, argumentsOf(listSize) as ListSize);
    }
  }
  return { fieldWeights, typeWeights, listSizes };
}

function argumentsOf(directive: ConstDirectiveNode | DirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

function weightOf(directives: readonly (ConstDirectiveNode | DirectiveNode)[] | undefined): number | undefined {
  const cost = directives?.find((d) => d.name.value === 'cost');
  const weight = cost && argumentsOf(cost).weight;
  return typeof weight === 'number' ? weight : undefined;
}

/** The estimated cost of a normalized operation with its coerced variables. */
export function estimateCost(
  model: CostModel,
  normalized: NormalizedOperation,
  variables: Record<string, unknown>,
  defaultListSize: number,
): number {
  const isMutation = normalized.operation.operation === 'mutation';

  const argument = (selection: FieldSelection, name: string): unknown => {
    const node = selection.nodes[0]!.arguments?.find((a) => a.name.value === name);
    if (!node) return selection.definition.args.find((a) => a.name === name)?.defaultValue;
    return node.value.kind === Kind.VARIABLE ? variables[node.value.name.value] : valueFromASTUntyped(node.value, variables);
  };
  const sliceSize = (listSize: ListSize, selection: FieldSelection): number => {
    const sizes = (listSize.slicingArguments ?? [])
      .map((name) => argument(selection, name))
      .filter((value): value is number => typeof value === 'number');
    if (sizes.length > 0) return Math.max(...sizes);
    return listSize.assumedSize ?? defaultListSize;
  };

  const treeCost = (tree: SelectionTree, sized: ReadonlyMap<string, number> | undefined, isRoot: boolean): number => {
    let most = 0;
    for (const [runtime, selections] of tree.byType) {
      let sum = 0;
      for (const selection of selections) sum += fieldCost(runtime, selection, sized, isRoot);
      most = Math.max(most, sum);
    }
    return most;
  };

  const fieldCost = (
    runtime: string,
    selection: FieldSelection,
    sized: ReadonlyMap<string, number> | undefined,
    isRoot: boolean,
  ): number => {
    if (selection.fieldName.startsWith('__')) return 0;
    const coordinate = `${runtime}.${selection.fieldName}`;
    const named = getNamedType(selection.definition.type);
    const own =
      model.fieldWeights.get(coordinate) ??
      (isRoot && isMutation ? MUTATION_WEIGHT : undefined) ??
      model.typeWeights.get(named.name) ??
      (isCompositeType(named) ? 1 : 0);
    const listSize = model.listSizes.get(coordinate);
    let childSizes: Map<string, number> | undefined;
    if (listSize?.sizedFields?.length) {
      const size = sliceSize(listSize, selection);
      childSizes = new Map(listSize.sizedFields.map((name) => [name, size]));
    }
    const children = selection.children ? treeCost(selection.children, childSizes, false) : 0;
    if (!isListType(getNullableType(selection.definition.type))) return own + children;
    const size =
      sized?.get(selection.fieldName) ??
      (listSize && !listSize.sizedFields?.length ? sliceSize(listSize, selection) : defaultListSize);
    return size * (own + children);
  };

  // Past 2^53 the figure stops being exact; it is refused long before that anyway.
  return Math.min(treeCost(normalized.root, undefined, true), Number.MAX_SAFE_INTEGER);
}

export interface CostAssessment {
  /** What `extensions.cost` says. */
  report: { estimated: number; max?: number };
  /** Set when the operation is refused (enforce mode, over its maximum). */
  refusal?: GraphQLError;
}

/** Estimates, compares with the caller's maximum, and refuses or reports. */
export class CostPolicy {
  constructor(
    private readonly model: CostModel,
    private readonly settings: CostSettings,
  ) {}

  maxFor(caller: Caller): number {
    const byClient = caller.clientId !== undefined ? this.settings.maxByClient?.get(caller.clientId) : undefined;
    if (byClient !== undefined) return byClient;
    let max: number | undefined;
    for (const scope of caller.scopes) {
      const scoped = this.settings.maxByScope?.get(scope);
      if (scoped !== undefined) max = Math.max(max ?? 0, scoped);
    }
    return max ?? this.settings.max;
  }

  assess(normalized: NormalizedOperation, variables: Record<string, unknown>, caller: Caller): CostAssessment {
    const estimated = estimateCost(this.model, normalized, variables, this.settings.defaultListSize);
    const max = this.maxFor(caller);
    if (estimated <= max) return { report: { estimated } };
    if (this.settings.mode === 'measure') {
      console.warn(`cost ${estimated} over ${max} (measure mode, ran anyway): ${normalized.operation.name?.value ?? 'anonymous'}`);
      return { report: { estimated, max } };
    }
    return {
      report: { estimated, max },
      refusal: new GraphQLError(`The operation's estimated cost ${estimated} exceeds the maximum ${max} (COST_MAX).`, {
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: { estimated, max }, http: { status: 400 } },
      }),
    };
  }
}
