import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Only the AWS adapters and the simulator's own tests may talk to the SDK directly.
    files: ['src/**/*.ts'],
    ignores: ['src/aws/**', 'src/sources/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*'], message: 'AWS SDK access lives in src/aws only.' }] }],
    },
  },
  {
    // The pure planner: no I/O and no clock.
    files: ['src/reconcile/{canonical,desired,diff,graph,plan,normalize,log-groups,ownership}*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:fs', 'node:fs/*', 'node:http', 'node:net', '@aws-sdk/*', '../aws/*', './observe.js', './apply.js', './engine.js'], message: 'The planner is pure: no I/O.' }] }],
    },
  },
  {
    // import reads live state through the ports and the planner's normalisers, never the planner itself.
    files: ['src/import/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '../aws/*'], message: 'AWS SDK access lives in src/aws only; import reads through reconcile/ports.' },
            { group: ['plan*', 'observe', 'observed', 'apply', 'engine', 'cache', 'log-groups', 'wait'].map((m) => `../reconcile/${m}.js`), message: 'import depends on the normalisers and ports, not on the planner.' },
          ],
        },
      ],
    },
  },
);
