/**
 * pnpm codegen — TypeScript types for the example frontend's operations
 * (examples/forensics-web/operations/*.graphql) from the internal API schema
 * (schema/api.graphql), with graphql-codegen's client preset: typed document nodes, and
 * persisted-documents.json, the frontend's trusted-documents manifest (SHA-256 id →
 * text) that the gateway's client registry points at. Output is committed; a test
 * regenerates it and fails when it differs (a schema change that breaks a shipped
 * operation fails there and in `pnpm documents:check`).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: 'examples/forensics-web/operations/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    'examples/forensics-web/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { Date: 'string', DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
