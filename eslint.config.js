// ESLint here only caps file length; the import rules are dependency-cruiser's (.dependency-cruiser.mjs).
import tsParser from '@typescript-eslint/parser';

export default [
  {
    files: ['src/**/*.ts', 'commands/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    // Labelled data, not code: long by nature, and split by kind of pair already.
    ignores: ['test/cluster/eval-pairs-*.ts'],
    languageOptions: { parser: tsParser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
];
