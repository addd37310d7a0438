import { Kind, visit, type DefinitionNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/**
 * The operation and every fragment it uses, directly or through other fragments, each
 * once: the parts of a document that run. A check of the operation's arguments or
 * variables must look into these fragments too (an argument inside a spread fragment is
 * the operation's argument), and must not look into fragments only another operation uses.
 */
export function definitionsInUse(document: DocumentNode, operation: OperationDefinitionNode): DefinitionNode[] {
  const fragments = new Map<string, DefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const inUse: DefinitionNode[] = [operation];
  const seen = new Set<string>();
  for (let next = 0; next < inUse.length; next += 1) {
    visit(inUse[next]!, {
      FragmentSpread: (spread) => {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !seen.has(spread.name.value)) {
          seen.add(spread.name.value);
          inUse.push(fragment);
        }
      },
    });
  }
  return inUse;
}
