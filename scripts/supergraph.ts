/**
 * Composes the four subgraph SDL files into the supergraph with @apollo/composition.
 * Used by `pnpm compose` (writes schema/supergraph.graphql) and by the test that
 * checks the committed file is current.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { documentAccessRules } from './access-docs.js';

export const SUBGRAPHS = [
  { name: 'operations', port: 4001 },
  { name: 'police-cooperation', port: 4002 },
  { name: 'forensics', port: 4003 },
  { name: 'specialist-chambers', port: 4004 },
  { name: 'audit', port: 4005 },
] as const;

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));

export function subgraphSdlPath(name: string): string {
  return fileURLToPath(new URL(`../subgraphs/${name}/src/schema.graphql`, import.meta.url));
}

export interface CompositionOutcome {
  supergraphSdl?: string;
  errors: string[];
  hints: string[];
}

/** The subgraphs as composition takes them: name, the URL they listen on by default, SDL. */
export function subgraphServices() {
  return SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    typeDefs: parse(readFileSync(subgraphSdlPath(name), 'utf8')),
  }));
}

export function composeSupergraph(): CompositionOutcome {
  const result = composeServices(subgraphServices());
  const hints = (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`);
  if (result.errors) {
    return { errors: result.errors.map((error) => error.message), hints };
  }
  // Field docs say which scopes and purpose each field needs (scripts/access-docs.ts).
  return { supergraphSdl: documentAccessRules(result.supergraphSdl), errors: [], hints };
}
