import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { definitionsInUse } from '../src/definitions-in-use.js';

const names = (document: string, operationName: string) => {
  const parsed = parse(document);
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === operationName,
  )!;
  return definitionsInUse(parsed, operation).map((definition) => ('name' in definition ? definition.name?.value : undefined));
};

describe('definitionsInUse', () => {
  it('is the operation and every fragment it reaches, each once, and no fragment only another operation uses', () => {
    const document = `
      query A { ...F1 ...F1 }
      query B { ...F3 }
      fragment F1 on Query { ...F2 }
      fragment F2 on Query { __typename ...F1 }
      fragment F3 on Query { __typename }`;
    expect(names(document, 'A')).toEqual(['A', 'F1', 'F2']);
    expect(names(document, 'B')).toEqual(['B', 'F3']);
  });

  it('ignores a spread of a fragment the document does not define (validation reports it)', () => {
    expect(names('query A { ...Missing }', 'A')).toEqual(['A']);
  });
});
