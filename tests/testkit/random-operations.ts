/**
 * Random operations over the graph's API schema, for the authorization property test.
 * Deterministic: the same seed gives the same operation (the seed comes from
 * fast-check, so a failing run replays from its printed seed).
 *
 * What they contain: random fields to depth 4; aliases, including names that look
 * like the gateway's hidden selections (`_audit_id_`, `_authorization_placeholder_`)
 * and, rarely, one in its reserved namespace (which must be refused); inline and named
 * fragments, on concrete types and on union members; `@include`/`@skip` with literal
 * conditions and with variables that have defaults; `first` as a variable with a
 * default, sometimes given, sometimes not. Under a union `__typename` is always
 * selected (under a random alias) so the oracle knows each object's type; elsewhere
 * it and `id` are selected only sometimes.
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { argumentsFor } from './schema-paths.js';

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    int: (max: number) => Math.floor(next() * max),
  };
}

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
  /** Set when the operation uses an alias in the gateway's reserved namespace. */
  reservedAlias?: string;
}

const LOOKALIKE_ALIASES = ['_audit_type_', '_audit_id_', '_authorization_placeholder_'];
export const RESERVED_PREFIX = '_mg_';

export function randomOperation(schema: GraphQLSchema, seed: number): GeneratedOperation {
  const rng = random(seed);
  const fragments: string[] = [];
  const variableDefinitions: string[] = [];
  const variables: Record<string, unknown> = {};
  let counter = 0;
  let reservedAlias: string | undefined;

  /** A response key for a field in this selection set: its name, or an alias unique in the set. */
  const keyFor = (name: string, used: Set<string>): string => {
    let alias: string | undefined;
    if (rng.chance(0.02) && !reservedAlias) {
      alias = reservedAlias = `${RESERVED_PREFIX}${(seed >>> 0).toString(16)}_x`;
    } else if (rng.chance(0.15)) {
      alias = rng.pick(LOOKALIKE_ALIASES);
    } else if (rng.chance(0.2)) {
      alias = `a${(counter += 1)}`;
    }
    if (!alias || used.has(alias)) alias = used.has(name) ? `a${(counter += 1)}` : undefined;
    const key = alias ?? name;
    used.add(key);
    return alias ? `${alias}: ${name}` : name;
  };

  const condition = (): string => {
    if (!rng.chance(0.2)) return '';
    const directive = rng.chance(0.5) ? 'include' : 'skip';
    const shown = directive === 'include';
    if (rng.chance(0.5)) return ` @${directive}(if: ${shown})`;
    const name = `c${(counter += 1)}`;
    // The default keeps the field; when a value is sent, it keeps it too (what varies
    // is whether the gateway applies defaults and coerces the value it was sent).
    variableDefinitions.push(`$${name}: Boolean = ${shown}`);
    if (rng.chance(0.5)) variables[name] = shown;
    return ` @${directive}(if: $${name})`;
  };

  const argumentsOf = (field: GraphQLField<unknown, unknown>): string => {
    const literal = argumentsFor(field) ?? '';
    if (!literal.includes('first: 50')) return literal;
    if (!rng.chance(0.4)) return literal.replace('first: 50', `first: ${rng.pick([1, 5, 10])}`);
    const name = `n${(counter += 1)}`;
    variableDefinitions.push(`$${name}: Int = ${rng.pick([1, 3, 20])}`);
    if (rng.chance(0.5)) variables[name] = rng.pick([2, 5]);
    return literal.replace('first: 50', `first: $${name}`);
  };

  const fieldsOf = (holder: { getFields(): Record<string, GraphQLField<unknown, unknown>> }) =>
    Object.values(holder.getFields()).filter((field) => argumentsFor(field) !== undefined);

  const selectionFor = (type: GraphQLCompositeType, depth: number): string => {
    const used = new Set<string>();
    const parts: string[] = [];
    const abstract = isAbstractType(type);
    if (abstract || rng.chance(0.4)) parts.push(keyFor('__typename', used));
    const own = 'getFields' in type ? fieldsOf(type) : [];
    if (own.some((field) => field.name === 'id') && rng.chance(0.6)) parts.push(keyFor('id', used));
    const count = 1 + rng.int(Math.min(4, Math.max(own.length, 1)));
    for (let i = 0; i < count && own.length > 0; i += 1) parts.push(fieldSelection(rng.pick(own), depth, used));
    const holders = abstract ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
    const fragmentCount = abstract ? 1 + rng.int(holders.length) : rng.chance(0.3) ? 1 : 0;
    for (let i = 0; i < fragmentCount && holders.length > 0; i += 1) {
      const holder = abstract ? holders[i % holders.length]! : rng.pick(holders);
      const inner = fieldsOf(holder);
      if (inner.length === 0) continue;
      // A fragment's fields merge into this set: keys must not clash with the set's own.
      const body = fieldSelection(rng.pick(inner), depth, used);
      if (rng.chance(0.5)) {
        parts.push(`... on ${holder.name}${condition()} { ${body} }`);
      } else {
        const name = `F${fragments.length}`;
        fragments.push(`fragment ${name} on ${holder.name} { ${body} }`);
        parts.push(`...${name}${condition()}`);
      }
    }
    return parts.join(' ');
  };

  const fieldSelection = (field: GraphQLField<unknown, unknown>, depth: number, used: Set<string>): string => {
    const child = getNamedType(field.type);
    const head = `${keyFor(field.name, used)}${argumentsOf(field)}${condition()}`;
    if (!isCompositeType(child)) return head;
    // Depth 4 reaches the fields of a connection's nodes (list → edges → node → field).
    if (depth >= 4) return `${head} { __typename }`;
    return `${head} { ${selectionFor(child, depth + 1)} }`;
  };

  const query = schema.getQueryType()!;
  const roots = Object.values(query.getFields()).filter(
    (field) => argumentsFor(field) !== undefined && !field.name.startsWith('_'),
  );
  const used = new Set<string>();
  const selections = Array.from({ length: 1 + rng.int(3) }, () => fieldSelection(rng.pick(roots), 1, used));
  const header = variableDefinitions.length > 0 ? `(${variableDefinitions.join(', ')})` : '';
  return {
    query: [`query Random${seed >>> 0}${header} { ${selections.join(' ')} }`, ...fragments].join('\n'),
    variables,
    ...(reservedAlias ? { reservedAlias } : {}),
  };
}
