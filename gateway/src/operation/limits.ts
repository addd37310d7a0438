import {
  GraphQLError,
  Kind,
  Lexer,
  parse,
  Source,
  TokenKind,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { reservedAliasError } from './hidden-aliases.js';

/**
 * Operation limits, checked on the text the client sent before Apollo Server parses
 * and validates it, and so before anything expands fragments, plans or fetches.
 * Each measure is linear in the size of the document: a fragment is measured once
 * and its spreads add its (memoized) figures, so 28 fragments each spreading the
 * previous one twice are measured in 28 steps and refused for their 2^28 fields.
 */
export interface OperationLimits {
  /** Lexical tokens of the document (checked while parsing: parsing stops past it). */
  tokens: number;
  /** Nesting of fields, entity hops included (the supergraph's depth, not one subgraph's); introspection excluded. */
  depth: number;
  /** Lists nested inside introspection (`types → fields → args` is 3). */
  introspectionListDepth: number;
  /** Aliases written in the document. */
  aliases: number;
  /** Directives written in the document. */
  directives: number;
  /** Directives on one field, fragment or operation. */
  directivesPerLocation: number;
  /** Fields once every fragment spread is expanded. */
  fields: number;
  /** Fragment spreads once every fragment is expanded. */
  fragmentSpreads: number;
  /** Fields at the root of the operation, fragments expanded. */
  rootFields: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  tokens: 4000,
  depth: 10,
  introspectionListDepth: 3,
  aliases: 50,
  directives: 50,
  directivesPerLocation: 5,
  fields: 1000,
  fragmentSpreads: 200,
  rootFields: 20,
};

/** Environment variable of each limit. */
export const LIMIT_VARIABLES = {
  tokens: 'MAX_TOKENS',
  depth: 'MAX_DEPTH',
  introspectionListDepth: 'MAX_INTROSPECTION_LIST_DEPTH',
  aliases: 'MAX_ALIASES',
  directives: 'MAX_DIRECTIVES',
  directivesPerLocation: 'MAX_DIRECTIVES_PER_LOCATION',
  fields: 'MAX_FIELDS',
  fragmentSpreads: 'MAX_FRAGMENT_SPREADS',
  rootFields: 'MAX_ROOT_FIELDS',
} as const satisfies Record<keyof OperationLimits, string>;

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);
const INTROSPECTION_LISTS = new Set(['types', 'fields', 'args', 'inputFields', 'interfaces', 'possibleTypes', 'enumValues', 'directives']);

interface Measures {
  depth: number;
  introspectionListDepth: number;
  aliases: number;
  directives: number;
  directivesPerLocation: number;
  fields: number;
  fragmentSpreads: number;
  rootFields: number;
}

/** A typed refusal: `QUERY_TOO_COMPLEX`, HTTP 400, naming the limit, its maximum and the measured value. */
export function limitExceeded(limit: keyof OperationLimits, max: number, measured: number): GraphQLError {
  return new GraphQLError(
    `The operation exceeds the limit on ${limit} (${LIMIT_VARIABLES[limit]}): ${measured} > ${max}.`,
    { extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, measured, http: { status: 400 } } },
  );
}

/** The first limit `source` exceeds, or a reserved alias, as a typed error; undefined when within bounds. */
export function checkOperation(source: string, limits: OperationLimits): GraphQLError | undefined {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.tokens, noLocation: true });
  } catch (error) {
    // graphql-js 16 words it "more that N tokens"; 17 may fix the typo.
    if (error instanceof GraphQLError && /contains more th(?:at|an) \d+ tokens/.test(error.message)) {
      return limitExceeded('tokens', limits.tokens, countTokens(source));
    }
    return undefined; // not ours to answer: Apollo Server reports the syntax error
  }
  const measured = measure(document);
  for (const limit of Object.keys(measured) as (keyof Measures)[]) {
    if (measured[limit] > limits[limit]) return limitExceeded(limit, limits[limit], measured[limit]);
  }
  return reservedAliasError(document);
}

function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // a lexical error further on: what was counted so far is already too much
  }
  return count;
}

interface SetFigures {
  depth: number;
  /** Nesting of fields named like introspection's lists, wherever they are. */
  listNesting: number;
  /** The same, counted only below `__schema` / `__type`. */
  introspectionListDepth: number;
  fields: number;
  fragmentSpreads: number;
  topFields: number;
}

/** Every measure of a parsed document; fragments measured once each. */
export function measure(document: DocumentNode): Measures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let aliases = 0;
  let directives = 0;
  let directivesPerLocation = 0;
  const countDirectives = (nodes: readonly DirectiveNode[] | undefined) => {
    const count = nodes?.length ?? 0;
    directives += count;
    directivesPerLocation = Math.max(directivesPerLocation, count);
  };

  const ofFragment = new Map<string, SetFigures | 'measuring'>();
  const empty: SetFigures = { depth: 0, listNesting: 0, introspectionListDepth: 0, fields: 0, fragmentSpreads: 0, topFields: 0 };
  const fragmentFigures = (name: string): SetFigures => {
    const known = ofFragment.get(name);
    if (known === 'measuring') return empty; // a cycle: validation refuses it later
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return empty;
    ofFragment.set(name, 'measuring');
    countDirectives(fragment.directives);
    const figures = setFigures(fragment.selectionSet);
    ofFragment.set(name, figures);
    return figures;
  };

  const setFigures = (set: SelectionSetNode): SetFigures => {
    const figures = { ...empty };
    for (const selection of set.selections) {
      countDirectives(selection.directives);
      let inner: SetFigures;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        inner = selection.selectionSet ? setFigures(selection.selectionSet) : empty;
        const name = selection.name.value;
        figures.fields += 1 + inner.fields;
        figures.fragmentSpreads += inner.fragmentSpreads;
        figures.topFields += 1;
        figures.depth = Math.max(figures.depth, INTROSPECTION_ROOTS.has(name) ? 1 : 1 + inner.depth);
        figures.listNesting = Math.max(figures.listNesting, inner.listNesting + (INTROSPECTION_LISTS.has(name) ? 1 : 0));
        const underIntrospection = INTROSPECTION_ROOTS.has(name) ? inner.listNesting : inner.introspectionListDepth;
        figures.introspectionListDepth = Math.max(figures.introspectionListDepth, underIntrospection);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = setFigures(selection.selectionSet);
      } else {
        inner = fragmentFigures(selection.name.value);
        figures.fragmentSpreads += 1;
      }
      figures.fields += inner.fields;
      figures.fragmentSpreads += inner.fragmentSpreads;
      figures.topFields += inner.topFields;
      figures.depth = Math.max(figures.depth, inner.depth);
      figures.listNesting = Math.max(figures.listNesting, inner.listNesting);
      figures.introspectionListDepth = Math.max(figures.introspectionListDepth, inner.introspectionListDepth);
    }
    return figures;
  };

  const totals: Measures = {
    depth: 0,
    introspectionListDepth: 0,
    aliases: 0,
    directives: 0,
    directivesPerLocation: 0,
    fields: 0,
    fragmentSpreads: 0,
    rootFields: 0,
  };
  const operations = document.definitions.filter(
    (definition: DefinitionNode) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  for (const operation of operations) {
    countDirectives(operation.directives);
    for (const variable of operation.variableDefinitions ?? []) countDirectives(variable.directives);
    const figures = setFigures(operation.selectionSet);
    totals.depth = Math.max(totals.depth, figures.depth);
    totals.introspectionListDepth = Math.max(totals.introspectionListDepth, figures.introspectionListDepth);
    totals.fields = Math.max(totals.fields, figures.fields);
    totals.fragmentSpreads = Math.max(totals.fragmentSpreads, figures.fragmentSpreads);
    totals.rootFields = Math.max(totals.rootFields, figures.topFields);
  }
  // Fragments no operation spreads are still text the client sent.
  for (const name of fragments.keys()) fragmentFigures(name);
  return { ...totals, aliases, directives, directivesPerLocation };
}
