import { Kind, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { ClientRegistry, Endpoint } from '../clients/registry.js';
import { readManifest, type TrustedDocument } from './manifest.js';

/**
 * `pnpm documents:check`: every trusted document of every registered client must still
 * be a valid operation of the schema its client calls (schema/api.graphql for the
 * internal endpoint, schema/external.graphql for the contract). A schema change that
 * breaks a shipped operation is named here — client, operation, what no longer fits —
 * before it reaches the client.
 */
export interface DocumentProblem {
  client: string;
  /** The operation's name, or its id when it has none. */
  document: string;
  problem: string;
}

export interface DocumentCheck {
  problems: DocumentProblem[];
  /** How many documents were checked. */
  checked: number;
}

export function checkTrustedDocuments(registry: ClientRegistry, schemaOf: (endpoint: Endpoint) => GraphQLSchema): DocumentCheck {
  const problems: DocumentProblem[] = [];
  let checked = 0;
  for (const client of registry.all()) {
    if (!client.documentsPath) continue;
    let documents: TrustedDocument[];
    try {
      documents = readManifest(client.documentsPath);
    } catch (error) {
      problems.push({ client: client.id, document: client.documents ?? '', problem: (error as Error).message });
      continue;
    }
    for (const document of documents) {
      checked += 1;
      const name = document.name ?? document.id;
      const report = (problem: string) => problems.push({ client: client.id, document: name, problem });
      let ast: DocumentNode;
      try {
        ast = parse(document.body);
      } catch (error) {
        report(`does not parse: ${(error as GraphQLError).message}`);
        continue;
      }
      const operations = ast.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
      if (operations.length !== 1 || !operations[0]!.name) report('must hold exactly one named operation');
      for (const error of validate(schemaOf(client.endpoint), ast)) report(error.message);
    }
  }
  return { problems, checked };
}
