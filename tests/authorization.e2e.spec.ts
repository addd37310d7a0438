/**
 * Per-field authorization through the gateway, for every rule written in the
 * subgraphs' SDL: a caller without what a rule asks gets null and an
 * UNAUTHORIZED_FIELD_OR_TYPE error, and the subgraph that owns the field never even
 * receives it; a caller with it gets the value. Then the tricks: fragments, aliases,
 * @include, entities across subgraphs, __typename, and invalid caller tokens.
 */
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  parse,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
  type DocumentNode,
  type TypeNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_SCOPES,
  newKeyPair,
  readAccessRules,
  signInternalToken,
  type AccessRule,
} from '@mission-graph/service-kit';
import { SUBGRAPHS, subgraphSdlPath, SUPERGRAPH_PATH } from '../scripts/supergraph.js';
import {
  postGraphQL,
  signCallerToken,
  startGraph,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type RunningGraph,
} from './testkit/graph.js';
import { operationFor, pathTo, valuesAt } from './testkit/schema-paths.js';

const rules = readAccessRules(parse(readFileSync(SUPERGRAPH_PATH, 'utf8')));
const UNAUTHORIZED = 'UNAUTHORIZED_FIELD_OR_TYPE';

interface RuleCase {
  /** `Type.field` whose own rule, or whose return type's rule, is tested. */
  coordinate: string;
  rule: AccessRule;
  kind: 'field' | 'type';
}

/** Every field rule, and for every type rule the fields that return that type. */
function ruleCases(schema: GraphQLSchema): RuleCase[] {
  const cases: RuleCase[] = [...rules.fields].map(([coordinate, rule]) => ({ coordinate, rule, kind: 'field' as const }));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = rules.types.get(getNamedType(field.type).name);
      if (rule) cases.push({ coordinate: `${type.name}.${field.name}`, rule, kind: 'type' });
    }
  }
  return cases;
}

/** Callers that each miss one part of the rule (scopes, the policy, or authentication). */
function deniedCallers(rule: AccessRule): { label: string; scopes: string[] | null; purpose: boolean }[] {
  const callers = [];
  if (rule.scopes) {
    const named = new Set(rule.scopes.flat());
    callers.push({ label: `without ${[...named].join(', ')}`, scopes: ALL_SCOPES.filter((s) => !named.has(s)), purpose: true });
  }
  if (rule.policies) callers.push({ label: 'without a declared purpose', scopes: [...ALL_SCOPES], purpose: false });
  if (rule.authenticated) callers.push({ label: 'anonymous', scopes: null, purpose: true });
  return callers;
}

/** A valid literal for a required argument of a subgraph root field (an id that exists nowhere). */
function literalFor(sdl: DocumentNode, name: string, type: TypeNode): string {
  if (type.kind === 'NonNullType') return literalFor(sdl, name, type.type);
  if (type.kind === 'ListType') return `[${literalFor(sdl, name, type.type)}]`;
  const named = type.name.value;
  const enumType = sdl.definitions.find((d) => d.kind === 'EnumTypeDefinition' && d.name.value === named);
  if (enumType?.kind === 'EnumTypeDefinition') return enumType.values![0]!.name.value;
  if (named === 'Date') return name === 'to' ? '"2030-12-31"' : '"2000-01-01"';
  if (named === 'DateTime') return name === 'to' ? '"2030-12-31T00:00:00Z"' : '"2000-01-01T00:00:00Z"';
  if (named === 'Int') return '1';
  return '"00000000-0000-4000-8000-000000000000"';
}

function typeNameOf(type: TypeNode): string {
  return type.kind === 'NamedType' ? type.name.value : typeNameOf(type.type);
}

function stripIndices(path: readonly (string | number)[] = []): string[] {
  return path.filter((part): part is string => typeof part === 'string');
}

describe('authorization through the gateway', () => {
  let graph: RunningGraph;
  let schema: GraphQLSchema;

  const ask = async (scopes: readonly string[] | null, query: string, purpose = true, variables?: Record<string, unknown>) => {
    if (scopes === null) return graph.query(query, variables);
    return graph.queryAs(scopes, query, variables, purpose ? {} : { purpose: null });
  };

  /** Operations the subgraphs received while `run` ran. */
  const receivedDuring = async <T>(run: () => Promise<T>): Promise<{ result: T; received: string[] }> => {
    const marks = Object.values(graph.subgraphs).map((s) => s.received.length);
    const result = await run();
    const received = Object.values(graph.subgraphs).flatMap((s, i) => s.received.slice(marks[i]));
    return { result, received };
  };

  beforeAll(async () => {
    graph = await startGraph();
    const introspection = await graph.query<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(introspection.data!);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('has rules on every pillar to test', () => {
    const cases = ruleCases(schema);
    expect(cases.length).toBeGreaterThan(40);
    for (const scope of ['statistics:read', 'operations:personnel', 'police-cooperation:subject', 'forensics:personal', 'witness-protection:identity']) {
      expect(cases.some((c) => c.rule.scopes?.flat().includes(scope)), scope).toBe(true);
    }
  });

  describe('the rule matrix', () => {
    it('every rule-bearing field: denied → null + error at its path, never sent to a subgraph; allowed → a value', async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const testCase of ruleCases(schema)) {
        const [typeName, fieldName] = testCase.coordinate.split('.') as [string, string];
        const steps = pathTo(schema, typeName, fieldName);
        if (!steps) continue; // only reachable through an id argument: covered by the tests below
        const holder = schema.getType(typeName) as GraphQLObjectType;
        const field = holder.getFields()[fieldName]!;
        const query = operationFor(steps, isCompositeType(getNamedType(field.type)));
        const target = steps.map((s) => s.field);
        checked += 1;

        for (const caller of deniedCallers(testCase.rule)) {
          const { result, received } = await receivedDuring(() => ask(caller.scopes, query, caller.purpose));
          const label = `${testCase.coordinate} (${testCase.kind} rule) ${caller.label}`;
          const errorAt = (result.errors ?? []).find(
            (e) => e.extensions?.code === UNAUTHORIZED && target.join('.').startsWith(stripIndices(e.path).join('.')),
          );
          if (!errorAt) failures.push(`${label}: no ${UNAUTHORIZED} error on its path: ${JSON.stringify(result.errors)}`);
          if (valuesAt(result.data, steps).some((v) => v !== null && v !== undefined)) failures.push(`${label}: a value came back`);
          const leak = received.find((operation) => new RegExp(`\\b${fieldName}\\b`).test(operation));
          if (leak) failures.push(`${label}: a subgraph received ${leak}`);
        }

        // Every scope, a purpose, and break-glass: need-to-know (assignment to a witness)
        // is a per-record rule of its own, tested in the need-to-know suite.
        const allowed = await graph.queryAs(ALL_SCOPES, query, undefined, { headers: { 'x-break-glass': 'E2E-MATRIX: rule check' } });
        const label = `${testCase.coordinate} with every scope and a purpose`;
        if (allowed.errors?.length) failures.push(`${label}: errors ${JSON.stringify(allowed.errors)}`);
        if (!valuesAt(allowed.data, steps).some((v) => v !== null && v !== undefined)) failures.push(`${label}: no value`);
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(30);
    });
  });

  describe('tricks that must not work', () => {
    const personal = ['forensics:read'];

    it('a named fragment: the personal field is removed where the fragment is spread', async () => {
      const { result, received } = await receivedDuring(() =>
        ask(personal, `{ missingPersons(first: 2) { edges { node { ...Card } } } }
                      fragment Card on MissingPerson { caseNumber fullName }`),
      );
      const nodes = (result.data as { missingPersons: { edges: { node: Record<string, unknown> }[] } }).missingPersons.edges.map((e) => e.node);
      expect(nodes).toHaveLength(2);
      for (const node of nodes) {
        expect(node.caseNumber).toMatch(/^MP-/);
        expect(node.fullName).toBeNull();
      }
      expect(result.errors?.map((e) => e.path)).toEqual([
        ['missingPersons', 'edges', 0, 'node', 'fullName'],
        ['missingPersons', 'edges', 1, 'node', 'fullName'],
      ]);
      expect(received.join('\n')).not.toMatch(/fullName/);
    });

    it('an alias: the error names the alias, the value stays null', async () => {
      const result = await ask(personal, '{ people: missingPersons(first: 1) { edges { node { name: fullName born: dateOfBirth } } } }');
      expect(result.data).toEqual({ people: { edges: [{ node: { name: null, born: null } }] } });
      expect(result.errors?.map((e) => e.path)).toEqual([
        ['people', 'edges', 0, 'node', 'name'],
        ['people', 'edges', 0, 'node', 'born'],
      ]);
    });

    it('variables and @include: an included personal field is removed; a skipped one raises nothing', async () => {
      const query = `query($show: Boolean!) { missingPersons(first: 1) { edges { node { caseNumber fullName @include(if: $show) } } } }`;
      const shown = await ask(personal, query, true, { show: true });
      expect(shown.errors?.[0]?.extensions?.code).toBe(UNAUTHORIZED);
      const hidden = await ask(personal, query, true, { show: false });
      expect(hidden.errors).toBeUndefined();
    });

    it('an entity across subgraphs: forensics personal data reached from a police-cooperation request', async () => {
      const { result, received } = await receivedDuring(() =>
        ask(
          ['police-cooperation:read', 'forensics:read'],
          `{ informationExchangeRequests(first: 3, filter: { hasRelatedMissingPerson: true }) {
               edges { node { reference relatedMissingPerson { caseNumber fullName placeLastSeen } } } } }`,
        ),
      );
      const nodes = (result.data as { informationExchangeRequests: { edges: { node: { relatedMissingPerson: Record<string, unknown> } }[] } })
        .informationExchangeRequests.edges.map((e) => e.node.relatedMissingPerson);
      expect(nodes).toHaveLength(3);
      for (const person of nodes) expect(person).toMatchObject({ caseNumber: expect.stringMatching(/^MP-/), fullName: null, placeLastSeen: null });
      expect(received.join('\n')).not.toMatch(/fullName|placeLastSeen/);
    });

    it('an entity across subgraphs without the other pillar’s scope: the link itself is withheld', async () => {
      const result = await ask(
        ['police-cooperation:read'],
        '{ informationExchangeRequests(first: 1, filter: { hasRelatedMissingPerson: true }) { edges { node { relatedMissingPerson { __typename id } } } } }',
      );
      expect(result.data).toEqual({ informationExchangeRequests: { edges: [{ node: { relatedMissingPerson: null } }] } });
      expect(result.errors?.[0]?.path).toEqual(['informationExchangeRequests', 'edges', 0, 'node', 'relatedMissingPerson']);
    });

    it('__typename does not open a withheld object', async () => {
      const result = await ask(
        ['witness-protection:read'],
        '{ protectedWitnesses(first: 1) { edges { node { __typename codename identity { __typename } } } } }',
      );
      const node = (result.data as { protectedWitnesses: { edges: { node: Record<string, unknown> }[] } }).protectedWitnesses.edges[0]!.node;
      expect(node).toMatchObject({ __typename: 'ProtectedWitness', identity: null });
      expect(result.errors?.[0]?.extensions?.code).toBe(UNAUTHORIZED);
    });

    it('an operation with nothing authorized left is refused whole, with 403', async () => {
      const result = await ask(null, '{ protectedWitnesses(first: 1) { totalCount } }');
      expect(result.status).toBe(403);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]).toMatchObject({ path: ['protectedWitnesses'], extensions: { code: UNAUTHORIZED } });
    });

    it('the same operation for callers with different scopes never shares a plan', async () => {
      const query = '{ missingPersons(first: 1) { edges { node { caseNumber fullName } } } }';
      const full = await ask(['forensics:read', 'forensics:personal'], query);
      const narrow = await ask(['forensics:read'], query);
      const fullAgain = await ask(['forensics:read', 'forensics:personal'], query);
      const name = (r: typeof full) =>
        (r.data as { missingPersons: { edges: { node: { fullName: string | null } }[] } }).missingPersons.edges[0]!.node.fullName;
      expect(name(full)).toMatch(/Synthetic/);
      expect(name(narrow)).toBeNull();
      expect(name(fullAgain)).toBe(name(full));
    });

    it('introspection stays available and shows no rules', async () => {
      const result = await graph.query('{ __type(name: "MissingPerson") { fields { name } } }');
      expect(JSON.stringify(result.data)).toContain('fullName');
      expect(JSON.stringify(result)).not.toMatch(/requiresScopes|purpose_declared/);
    });
  });

  describe('caller tokens', () => {
    const QUERY = '{ securityResponders { tier } }';
    const send = (authorization: string) => graph.query(QUERY, undefined, { authorization });

    it('a valid token is accepted', async () => {
      const result = await send(`Bearer ${await graph.token(['operations:read'])}`);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ securityResponders: [{ tier: 1 }, { tier: 2 }, { tier: 3 }] });
    });

    it('anonymous callers are refused where @authenticated applies', async () => {
      const result = await graph.query(QUERY);
      expect(result.status).toBe(403);
      expect(result.errors?.[0]?.extensions?.code).toBe(UNAUTHORIZED);
    });

    const forge = async (header: Record<string, unknown>, payload: Record<string, unknown>, signature = '') =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    const claims = () => ({
      scope: ALL_SCOPES.join(' '),
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      sub: 'intruder',
      exp: Math.floor(Date.now() / 1000) + 300,
    });

    const invalid: [string, () => Promise<string>][] = [
      ['signed by an unknown key', async () => signCallerToken((await newKeyPair('stranger')).pair, ALL_SCOPES)],
      ['expired', async () => graph.token(ALL_SCOPES, { ttl: -120 })],
      ['from another issuer', async () => graph.token(ALL_SCOPES, { issuer: 'https://evil.invalid/' })],
      ['for another audience', async () => graph.token(ALL_SCOPES, { audience: 'another-api' })],
      ['alg: none', async () => forge({ alg: 'none', typ: 'JWT' }, claims())],
      [
        'HS256 forged with the public key as secret',
        async () =>
          new SignJWT(claims())
            .setProtectedHeader({ alg: 'HS256', kid: graph.callerKey.kid })
            .sign(new TextEncoder().encode(JSON.stringify(graph.callerKey.publicJwk))),
      ],
      ['a tampered payload', async () => {
        const [header, , signature] = (await graph.token(['operations:read'])).split('.');
        return `${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.${signature}`;
      }],
      ['not a JWT at all', async () => 'not-a-token'],
    ];
    it.each(invalid)('a token %s is refused with 401 UNAUTHENTICATED, never treated as anonymous', async (_label, make) => {
      const result = await send(`Bearer ${await make()}`);
      expect(result.status).toBe(401);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
});

describe('subgraphs called directly', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const tokenFor = (audience: string, scopes: string[] | null, payload?: Record<string, unknown>) =>
    signInternalToken(
      graph.internalKey,
      audience,
      scopes ? { authenticated: true, subject: 'insider', scopes: new Set(scopes) } : { authenticated: false, scopes: new Set() },
      payload ? { body: JSON.stringify(payload) } : {},
    );
  /** A request as the gateway would send it on behalf of an anonymous caller (token bound to the body). */
  const asAnonymous = async (name: string, url: string, payload: Record<string, unknown>) =>
    postGraphQL(url, payload, { authorization: `Bearer ${await tokenFor(name, null, payload)}` });

  it('a valid internal token for a subgraph, on behalf of an anonymous caller, reads no rule-bearing root field and no entity', async () => {
    const failures: string[] = [];
    for (const name of SUBGRAPHS.map((s) => s.name)) {
      const sdl = parse(readFileSync(subgraphSdlPath(name), 'utf8'));
      const subgraphRules = readAccessRules(sdl);
      const url = graph.subgraphs[name]!.url;

      for (const definition of sdl.definitions) {
        if (definition.kind !== 'ObjectTypeDefinition') continue;
        const typeRule = subgraphRules.types.get(definition.name.value);
        if (definition.name.value === 'Query') {
          for (const field of definition.fields ?? []) {
            const returned = typeNameOf(field.type);
            if (!subgraphRules.fields.has(`Query.${field.name.value}`) && !subgraphRules.types.has(returned)) continue;
            const args = field.arguments?.filter((a) => a.type.kind === 'NonNullType') ?? [];
            const literal = args.map((a) => `${a.name.value}: ${literalFor(sdl, a.name.value, a.type)}`);
            const query = `{ ${field.name.value}${literal.length ? `(${literal.join(', ')})` : ''} { __typename } }`;
            const response = await asAnonymous(name, url, { query });
            const refused = response.errors?.some((e) => e.extensions?.code === UNAUTHORIZED);
            if (!refused || (response.data as Record<string, unknown> | null)?.[field.name.value]) {
              failures.push(`${name} Query.${field.name.value}: ${JSON.stringify(response).slice(0, 200)}`);
            }
          }
        }
        const isEntity = definition.directives?.some((d) => d.name.value === 'key');
        if (isEntity && typeRule) {
          const representation =
            definition.name.value === 'MissionReport'
              ? { __typename: 'MissionReport', from: '2000-01-01', to: '2030-12-31' }
              : { __typename: definition.name.value, id: '00000000-0000-4000-8000-000000000000' };
          const response = await asAnonymous(name, url, {
            query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
            variables: { r: [representation] },
          });
          const error = response.errors?.[0];
          if (error?.extensions?.code !== UNAUTHORIZED || JSON.stringify(error.path) !== '["_entities",0]') {
            failures.push(`${name} _entities ${definition.name.value}: ${JSON.stringify(response).slice(0, 200)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('a token stolen from one subgraph opens no other', async () => {
    const payload = { query: '{ _service { sdl } }' };
    const forensicsToken = await tokenFor('forensics', [...ALL_SCOPES], payload);
    for (const name of ['specialist-chambers', 'police-cooperation', 'operations']) {
      const response = await postGraphQL(graph.subgraphs[name]!.url, payload, { authorization: `Bearer ${forensicsToken}` });
      expect(response.status, name).toBe(401);
      expect(response.data).toBeUndefined();
    }
  });
});

describe('reject mode', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ unauthorizedMode: 'reject' });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('refuses the whole operation when any field is unauthorized, and nothing executes', async () => {
    const marks = Object.values(graph.subgraphs).map((s) => s.received.length);
    const result = await graph.queryAs(['forensics:read'], '{ missingPersons(first: 1) { edges { node { caseNumber fullName } } } }');
    expect(result.status).toBe(403);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      {
        message: 'Unauthorized field or type',
        path: ['missingPersons', 'edges', 'node', 'fullName'],
        extensions: { code: UNAUTHORIZED, requiredScopes: [['forensics:personal']] },
      },
    ]);
    expect(Object.values(graph.subgraphs).map((s) => s.received.length)).toEqual(marks);
  });

  it('runs an operation the caller may see in full', async () => {
    const result = await graph.queryAs(['forensics:read'], '{ missingPersons(first: 1) { edges { node { caseNumber } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
  });
});

