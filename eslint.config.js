// ESLint here caps file length and catches promises nobody waits for; the import rules are
// dependency-cruiser's (.dependency-cruiser.mjs).
import tsPlugin from '@typescript-eslint/eslint-plugin';
import tsParser from '@typescript-eslint/parser';

/**
 * `expect(promise).toBe(…)` compares the promise, not what it resolves to: with a store that has become
 * asynchronous, such a test cannot fail (a promise is truthy, is not undefined, is not equal to 3…).
 * Whatever expect() is given must be awaited first, or checked through `.resolves`/`.rejects`.
 */
const expectAwaited = {
  meta: { type: 'problem', schema: [], messages: { promise: 'expect() is given a promise: await it first, or use .resolves / .rejects' } },
  create(context) {
    const services = context.sourceCode.parserServices;
    return {
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'expect' || node.arguments.length === 0) return;
        const { parent } = node;
        const settled = parent.type === 'MemberExpression' && parent.object === node && ['resolves', 'rejects'].includes(parent.property.name);
        if (settled) return;
        const type = services.getTypeAtLocation(node.arguments[0]);
        const parts = type.isUnion() ? type.types : [type];
        if (parts.some((part) => part.getProperty('then'))) context.report({ node: node.arguments[0], messageId: 'promise' });
      },
    };
  },
};

export default [
  {
    files: ['src/**/*.ts', 'commands/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    // Labelled data, not code: long by nature, and split by kind of pair already.
    ignores: ['test/cluster/eval-pairs-*.ts'],
    // Typed: whether an expression is a promise takes the types of the whole program, read through the
    // tsconfig.json nearest each file.
    languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tsPlugin, ainews: { rules: { 'expect-awaited': expectAwaited } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'max-lines': ['error', { max: 400 }],
      // As the stores become asynchronous, a call left unawaited would let a write race what follows it,
      // or its failure go unseen: each is awaited, handled, or marked `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise where a boolean or a spread is wanted is always truthy, or spreads nothing.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'ainews/expect-awaited': 'error',
    },
  },
];
