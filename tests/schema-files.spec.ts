/**
 * The schema files `pnpm compose` derives besides the supergraph (scripts/contract.ts):
 * committed, current, and the external contract holding only what other systems may see.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isObjectType,
  parse,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { readAccessRules, readContract } from '@mission-graph/service-kit';
import { readCostModel } from '../gateway/src/operation/cost.js';
import {
  API_SCHEMA_PATH,
  derivedSchemaFiles,
  EXTERNAL_API_SCHEMA_PATH,
  EXTERNAL_SUPERGRAPH_PATH,
} from '../scripts/contract.js';
import { composeSupergraph, SUBGRAPHS, subgraphSdlPath, SUPERGRAPH_PATH } from '../scripts/supergraph.js';

const read = (path: string) => readFileSync(path, 'utf8');

describe('the derived schema files', () => {
  const { supergraphSdl } = composeSupergraph();
  const files = derivedSchemaFiles(supergraphSdl!);

  it.each(files.map((file) => [file.path.replace(/.*\/schema\//, 'schema/'), file] as const))(
    '%s is exactly what `pnpm compose` produces now',
    (_, file) => {
      expect(read(file.path)).toBe(file.content);
    },
  );

  it('names, in every guarded field doc, the scopes and purpose the field needs', () => {
    const api = buildSchema(read(API_SCHEMA_PATH));
    const person = api.getType('MissingPerson');
    if (!isObjectType(person)) throw new Error('MissingPerson missing from api.graphql');
    expect(person.getFields().fullName?.description).toBe(
      'Full name of the missing person. Personal data.\n\nRequires scope `forensics:personal` and a declared purpose (`X-Access-Purpose` header).',
    );
    expect(person.getFields().caseNumber?.description).not.toContain('Requires');
    expect(person.description).toContain('Every value of this type: requires scope `forensics:read`.');
    const query = api.getQueryType()!.getFields();
    expect(query.securityResponders?.description).toContain('Requires an authenticated caller (any valid token).');
    expect(query.missionReport?.description).toContain('Requires scope `statistics:read`.');
  });

  it('keeps federation internals out of api.graphql', () => {
    const text = read(API_SCHEMA_PATH);
    expect(text).not.toMatch(/join__|link__|@inaccessible|_entities|_service|@requiresScopes/);
  });
});

describe('the external contract (schema/external.graphql)', () => {
  const external = buildSchema(read(EXTERNAL_API_SCHEMA_PATH));
  const rules = readAccessRules(parse(read(SUPERGRAPH_PATH)));
  const PERSONAL_OR_WITNESS = /:(personnel|subject|personal|identity|break-glass)$|^witness-protection:|^audit:/;

  const contractFields = (schema: GraphQLSchema) =>
    Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
      .flatMap((type) => Object.values((type as GraphQLObjectType).getFields()).map((field) => ({ type, field })));

  it('has no mutations and no subscriptions', () => {
    expect(external.getMutationType()).toBeUndefined();
    expect(external.getSubscriptionType()).toBeUndefined();
  });

  it('holds no field guarded by a personal-data, witness or audit scope, nor by a declared purpose', () => {
    const offending = contractFields(external).flatMap(({ type, field }) => {
      const guards = [rules.fields.get(`${type.name}.${field.name}`), rules.types.get(type.name), rules.types.get(getNamedType(field.type).name)];
      const bad = guards.some(
        (rule) =>
          rule?.scopes?.some((set) => set.some((scope) => PERSONAL_OR_WITNESS.test(scope))) ||
          rule?.policies?.some((set) => set.includes('purpose_declared')),
      );
      return bad ? [`${type.name}.${field.name}`] : [];
    });
    expect(offending).toEqual([]);
  });

  it('holds no witness-programme, personnel, audit or missing-person type at all', () => {
    const names = Object.keys(external.getTypeMap());
    expect(names.filter((name) => /Witness|Relocation|Threat|Officer|Audit|MissingPerson|Remains|Identification|Support/.test(name))).toEqual([]);
  });

  it('cannot even name the handling codes H2 and H3 (their records never leave)', () => {
    const handlingCode = external.getType('HandlingCode');
    expect(isEnumType(handlingCode) && handlingCode.getValues().map((value) => value.name)).toEqual(['H0', 'H1']);
  });

  it('leaves out the subject and the related missing person of an exchange request', () => {
    const request = external.getType('InformationExchangeRequest');
    if (!isObjectType(request)) throw new Error('InformationExchangeRequest missing from the contract');
    expect(Object.keys(request.getFields())).not.toContain('subject');
    expect(Object.keys(request.getFields())).not.toContain('relatedMissingPerson');
    expect(Object.keys(request.getFields())).not.toContain('handlingConditions');
  });

  it('is served from a supergraph that keeps the access rules of every field it exposes', () => {
    const contractRules = readAccessRules(parse(read(EXTERNAL_SUPERGRAPH_PATH)));
    for (const { type, field } of contractFields(external)) {
      const coordinate = `${type.name}.${field.name}`;
      expect(contractRules.fields.get(coordinate), coordinate).toEqual(rules.fields.get(coordinate));
      expect(contractRules.types.get(type.name), type.name).toEqual(rules.types.get(type.name));
    }
  });

  it('is served from a supergraph that keeps the demand-control weights and list sizes of every field it exposes', () => {
    const internalModel = readCostModel(parse(read(SUPERGRAPH_PATH)));
    const contractModel = readCostModel(parse(read(EXTERNAL_SUPERGRAPH_PATH)));
    const weighed = contractFields(external)
      .map(({ type, field }) => `${type.name}.${field.name}`)
      .filter((coordinate) => internalModel.fieldWeights.has(coordinate) || internalModel.listSizes.has(coordinate));
    // The contract holds weighed fields (statistics, totals, lists), or this proves nothing.
    expect(weighed).toEqual(expect.arrayContaining(['Query.exchangeStatistics', 'Query.informationExchangeRequests', 'MissionReport.policeCooperation']));
    for (const coordinate of weighed) {
      expect(contractModel.fieldWeights.get(coordinate), coordinate).toEqual(internalModel.fieldWeights.get(coordinate));
      expect(contractModel.listSizes.get(coordinate), coordinate).toEqual(internalModel.listSizes.get(coordinate));
    }
  });

  // The audit subgraph has no root field and no entity in the contract, so no external
  // operation reaches it (its shared PageInfo is never planned there): checked below.
  const servingSubgraphs = SUBGRAPHS.map(({ name }) => name).filter((name) => name !== 'audit');

  it('never sends an external operation to the audit subgraph', () => {
    const audit = parse(read(subgraphSdlPath('audit')));
    const reachable = audit.definitions.flatMap((definition) =>
      (definition.kind === 'ObjectTypeDefinition' || definition.kind === 'ObjectTypeExtension') &&
      (['Query', 'Mutation'].includes(definition.name.value) || definition.directives?.some((d) => d.name.value === 'key'))
        ? (definition.fields ?? []).filter((field) => {
            const type = external.getType(definition.name.value);
            return isObjectType(type) && type.getFields()[field.name.value] !== undefined;
          }).map((field) => `${definition.name.value}.${field.name.value}`)
        : [],
    );
    expect(reachable).toEqual([]);
  });

  it.each(servingSubgraphs)(
    'is enforced by the %s subgraph itself: its own tags cover every contract field it defines',
    (name) => {
      const sdl = parse(read(subgraphSdlPath(name)));
      const local = readContract(sdl);
      const missing: string[] = [];
      for (const definition of sdl.definitions) {
        if (definition.kind !== 'ObjectTypeDefinition' && definition.kind !== 'ObjectTypeExtension') continue;
        const contractType = external.getType(definition.name.value);
        if (!isObjectType(contractType)) continue;
        for (const field of definition.fields ?? []) {
          if (contractType.getFields()[field.name.value] && !local.hasField(definition.name.value, field.name.value)) {
            missing.push(`${definition.name.value}.${field.name.value}`);
          }
        }
      }
      expect(missing).toEqual([]);
    },
  );
});
