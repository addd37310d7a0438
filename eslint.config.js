// Lint: `pnpm lint`. typescript-eslint's recommended rules, plus imports: type-only
// imports marked, Node built-ins imported with the `node:` protocol, no import cycles,
// and the floor plan's one boundary (docs/subgraph-conventions.md): domain rules never
// import stores — stores call the domain, not the other way round.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const SUBGRAPHS = ['operations', 'police-cooperation', 'forensics', 'specialist-chambers', 'audit'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/drizzle/**', '.data/**', '**/dist/**', '**/src/generated/**', 'examples/*/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // How import-x reads the modules it follows (for cycles): as TypeScript.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules
            .filter((name) => !name.startsWith('_') && !name.includes('/'))
            .map((name) => ({ name, message: `Import from 'node:${name}'.` })),
        },
      ],
      // A cycle, type-only imports included: two modules that need each other are one
      // module, or one of them holds what belongs elsewhere.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: SUBGRAPHS.map((name) => ({
            target: `./subgraphs/${name}/src/domain`,
            from: `./subgraphs/${name}/src/stores`,
            message: 'Domain rules must not import stores: row types live in db/schema.ts, and stores call the domain.',
          })),
        },
      ],
    },
  },
);
