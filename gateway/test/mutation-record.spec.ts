/**
 * The records a mutation's INTENT names, read from its arguments (audit/mutation-record.ts):
 * every `ID` argument of every mutation of the graph resolves to the type of record it
 * names — none falls back to its input type.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, isInputObjectType, isScalarType, parse, type FieldNode, type GraphQLInputType, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { argumentRecords, recordTypeOf } from '../src/audit/mutation-record.js';

const schema = buildSchema(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8'));
const mutation = schema.getMutationType()!;

/** Every `ID` input field or argument under each mutation: [mutation, argument name]. */
function idArguments(): [string, string][] {
  const found: [string, string][] = [];
  for (const field of Object.values(mutation.getFields())) {
    const visit = (name: string, type: GraphQLInputType, seen: Set<string>) => {
      const named = getNamedType(type);
      if (isScalarType(named) && named.name === 'ID') found.push([field.name, name]);
      if (isInputObjectType(named) && !seen.has(named.name)) {
        for (const inner of Object.values(named.getFields())) visit(inner.name, inner.type, new Set([...seen, named.name]));
      }
    };
    for (const argument of field.args) visit(argument.name, argument.type, new Set());
  }
  return found;
}

describe('records named by a mutation’s arguments', () => {
  it('every ID argument of every mutation of the graph names a type of record', () => {
    const unresolved = idArguments().filter(([field, argument]) => !recordTypeOf(schema, mutation.getFields()[field]!, argument));
    expect(idArguments().length).toBeGreaterThan(10);
    expect(unresolved).toEqual([]);
  });

  it.each([
    ['recordRelocation', 'witnessId', 'ProtectedWitness'],
    ['approveProtectionOfficer', 'assignmentId', 'ProtectionOfficerAssignment'],
    ['recordMortalRemains', 'recoveredBy', 'FieldOperation'],
    ['recordIdentification', 'missingPersonId', 'MissingPerson'],
    ['transitionSupportRequest', 'id', 'SupportRequest'],
    ['transitionSupportRequest', 'deploymentId', 'Deployment'],
    ['deployFormedPoliceUnit', 'officerIds', 'Officer'],
    ['reviewBreakGlass', 'eventId', 'AuditEvent'],
  ])('%s(%s) names a %s', (field, argument, type) => {
    expect(recordTypeOf(schema, mutation.getFields()[field]!, argument)).toBe(type);
  });

  it('reads ids from variables and literals, lists included', () => {
    const document = parse(
      'mutation($i: DeployFormedPoliceUnitInput!) { deployFormedPoliceUnit(input: $i) { __typename } }',
    );
    const node = (document.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
    const records = argumentRecords(schema, mutation.getFields().deployFormedPoliceUnit!, node, {
      i: { incidentId: 'i-1', officersCommitted: 2, officerIds: ['o-1', 'o-2'] },
    });
    expect(records).toEqual([
      { type: 'Incident', id: 'i-1' },
      { type: 'Officer', id: 'o-1' },
      { type: 'Officer', id: 'o-2' },
    ]);
  });
});
