// Lint: `pnpm lint`. typescript-eslint's recommended rules, plus imports: type-only
// imports marked, and Node built-ins imported with the `node:` protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/drizzle/**', '.data/**', '**/dist/**', 'examples/*/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
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
    },
  },
);
