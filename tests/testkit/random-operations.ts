/**
 * Random operations over the graph's API schema, for the authorization property test:
 * random fields to depth 3, random aliases, some selections inside inline fragments or
 * named fragments, `@include`/`@skip` with literal conditions, and `__typename` in
 * every selection set (so the checker knows each object's concrete type).
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

/** A small deterministic generator (mulberry32): the same seed gives the same operation. */
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

export function randomOperation(schema: GraphQLSchema, seed: number): string {
  const rng = random(seed);
  const fragments: string[] = [];
  let aliasCount = 0;

  const selectionFor = (type: GraphQLCompositeType, depth: number): string => {
    const parts = ['__typename'];
    const holders = isAbstractType(type) ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
    const fieldsOf = (holder: { getFields(): Record<string, GraphQLField<unknown, unknown>> }) =>
      Object.values(holder.getFields()).filter((field) => argumentsFor(field) !== undefined);
    // Fields on the type itself (interfaces included), then maybe some on a concrete type.
    const own = 'getFields' in type ? fieldsOf(type) : [];
    const count = 1 + rng.int(Math.min(4, Math.max(own.length, 1)));
    for (let i = 0; i < count && own.length > 0; i += 1) parts.push(fieldSelection(rng.pick(own), depth));
    if (holders.length > 0 && (isAbstractType(type) || rng.chance(0.3))) {
      const holder = rng.pick(holders);
      const inner = fieldsOf(holder);
      if (inner.length > 0) {
        const body = `__typename ${fieldSelection(rng.pick(inner), depth)}`;
        if (rng.chance(0.5)) {
          parts.push(`... on ${holder.name} { ${body} }`);
        } else {
          const name = `F${fragments.length}`;
          fragments.push(`fragment ${name} on ${holder.name} { ${body} }`);
          parts.push(`...${name}`);
        }
      }
    }
    return parts.join(' ');
  };

  const fieldSelection = (field: GraphQLField<unknown, unknown>, depth: number): string => {
    const alias = rng.chance(0.25) ? `a${(aliasCount += 1)}: ` : '';
    const condition = rng.chance(0.15) ? (rng.chance(0.5) ? ' @include(if: true)' : ' @skip(if: false)') : '';
    const child = getNamedType(field.type);
    const head = `${alias}${field.name}${argumentsFor(field)}${condition}`;
    if (!isCompositeType(child)) return head;
    if (depth >= 3) return `${head} { __typename }`;
    return `${head} { ${selectionFor(child, depth + 1)} }`;
  };

  const query = schema.getQueryType()!;
  const roots = Object.values(query.getFields()).filter(
    (field) => argumentsFor(field) !== undefined && !field.name.startsWith('_'),
  );
  const rootCount = 1 + rng.int(3);
  const selections = Array.from({ length: rootCount }, () => fieldSelection(rng.pick(roots), 1));
  return [`query Random${seed >>> 0} { ${selections.join(' ')} }`, ...fragments].join('\n');
}
