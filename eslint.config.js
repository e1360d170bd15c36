import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

import { allowedImports } from './eslint/allowed-imports.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'test-results/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // What each folder may import is an allowlist per folder: eslint/import-layers.js.
    files: ['main/**/*.{ts,tsx,mts}', 'renderer/**/*.{ts,tsx}'],
    plugins: { lenet: { rules: { 'allowed-imports': allowedImports } } },
    rules: { 'lenet/allowed-imports': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
