// ESLint here caps file length and catches promises nobody waits for; the import rules are
// dependency-cruiser's (.dependency-cruiser.mjs).
import tsPlugin from '@typescript-eslint/eslint-plugin';
import tsParser from '@typescript-eslint/parser';

export default [
  {
    files: ['src/**/*.ts', 'commands/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    // Labelled data, not code: long by nature, and split by kind of pair already.
    ignores: ['test/cluster/eval-pairs-*.ts'],
    // Typed: whether an expression is a promise takes the types of the whole program, read through the
    // tsconfig.json nearest each file.
    languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tsPlugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'max-lines': ['error', { max: 400 }],
      // As the stores become asynchronous, a call left unawaited would let a write race what follows it,
      // or its failure go unseen: each is awaited, handled, or marked `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
];
