/**
 * A step of `pnpm compose`: the schema files derived from the subgraphs besides the
 * supergraph itself, all committed and checked current by tests/schema-files.spec.ts.
 *
 * - `schema/external.supergraph.graphql`: the contract for other systems, composed with
 *   @theguild/federation-composition's `composeSchemaContract` from what the subgraph SDL
 *   tags `@tag(name: "external")`; everything else is `@inaccessible`. The gateway serves
 *   it on `/external/graphql`.
 * - `schema/external.graphql`: that contract's API schema, what external clients see.
 * - `schema/api.graphql`: the internal API schema (what `/graphql` serves), without
 *   federation internals, for frontend teams and their code generators.
 */
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import { composeSchemaContract } from '@theguild/federation-composition';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { documentAccessRules } from './access-docs.js';
import { subgraphServices } from './supergraph.js';

/** The tag that marks, in the subgraph SDL, what other systems may see. */
export const EXTERNAL_TAG = 'external';

const schemaFile = (name: string) => fileURLToPath(new URL(`../schema/${name}`, import.meta.url));
export const EXTERNAL_SUPERGRAPH_PATH = schemaFile('external.supergraph.graphql');
export const EXTERNAL_API_SCHEMA_PATH = schemaFile('external.graphql');
export const API_SCHEMA_PATH = schemaFile('api.graphql');

export interface SchemaFile {
  path: string;
  content: string;
}

/** The contract supergraph for `tag`; throws naming every composition error. */
export function composeContract(tag: string = EXTERNAL_TAG): string {
  // Unreachable types are not also marked @inaccessible (third argument false): that pass
  // marks the security features' own scalars (`policy__Policy`, `requiresScopes__Scope`),
  // which Apollo's API-schema validation refuses. Every type outside the contract is
  // already inaccessible here, because none of its fields carries the tag.
  const result = composeSchemaContract(subgraphServices(), { include: new Set([tag]), exclude: new Set() }, false);
  if (result.errors) {
    throw new Error(`The "${tag}" contract does not compose:\n  ${result.errors.map((e) => e.message).join('\n  ')}`);
  }
  return documentAccessRules(result.supergraphSdl);
}

/**
 * The API schema clients see: the supergraph without federation's own types and
 * directives, and without anything `@inaccessible` — computed by Apollo's federation
 * library, the same code the gateway derives its served schema with.
 */
export function apiSchemaSdl(supergraphSdl: string): string {
  const apiSchema = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema();
  return printSchema(lexicographicSortSchema(apiSchema.toGraphQLJSSchema()));
}

/** Every schema file derived from the (already composed) internal supergraph and the subgraphs. */
export function derivedSchemaFiles(supergraphSdl: string): SchemaFile[] {
  const external = composeContract(EXTERNAL_TAG);
  return [
    { path: API_SCHEMA_PATH, content: `${apiSchemaSdl(supergraphSdl)}\n` },
    { path: EXTERNAL_SUPERGRAPH_PATH, content: external },
    { path: EXTERNAL_API_SCHEMA_PATH, content: `${apiSchemaSdl(external)}\n` },
  ];
}
