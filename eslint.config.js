import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Code that must run anywhere (engine, ink, the API contract) imports nothing environment-specific.
const environmentFree = ['main/engine/**/*.ts', 'main/ink/**/*.ts', 'main/api/**/*.ts'];
const environmentFreeExceptions = ['main/engine/train/pool.ts', 'main/engine/train/gradient-worker.ts', 'main/engine/train/trainer.ts'];

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
    files: environmentFree,
    ignores: environmentFreeExceptions,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process'], message: 'Environment-free code must not import Node modules.' },
            { group: ['electron', 'electron/*'], message: 'Environment-free code must not import Electron.' },
            { group: ['react', 'react-dom', 'react-konva', 'konva'], message: 'Environment-free code must not import UI libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'electron'], message: 'The renderer runs in a sandboxed page: no Node or Electron imports.' },
            { group: ['**/main/engine/**', '**/main/runtime/**', '**/main/ink/**', '**/main/onnx/**'], message: 'The renderer reaches the core only through the API contract (main/api).' },
          ],
        },
      ],
    },
  },
);
