import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '**/migrations/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest injects through constructor parameter properties; empty classes are modules.
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              message:
                'Use @openretail/messaging: kafkajs stays behind its interface so the client can be replaced in one place.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/messaging/src/kafka/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The mock's own tests check it with a real Kafka client.
    files: ['libs/testing/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
