import nx from '@nx/eslint-plugin';

/**
 * Module boundaries on two axes (see docs/architecture.md):
 *  - scope: a scope depends on itself and on shared; the embedded suite host may compose every scope.
 *  - type: app -> feature, util; feature -> feature, data-access, domain, contracts, util;
 *          data-access -> data-access, domain, contracts, util; domain -> util; contracts -> util;
 *          util -> util; testing -> anything but apps. Any lib's specs may use testing libs.
 *  - sdk: the client SDKs (published to npm) use nothing of the suite; only their specs may use testing libs.
 */
const scopes = ['auth', 'directory', 'session', 'privacy', 'gateway'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.data', '**/.cache', '**/tmp', '**/.nx'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            ...scopes.map((scope) => ({
              sourceTag: `scope:${scope}`,
              onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
            })),
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['scope:sdk', 'type:testing'] },
            { sourceTag: 'scope:suite', onlyDependOnLibsWithTags: ['scope:shared', 'scope:sdk', ...scopes.map((s) => `scope:${s}`)] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:util'] },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:testing'],
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:testing'],
            },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:testing'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // Settings classes annotate their properties: class-transformer converts by the emitted type.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The SDKs run in applications: their code (not their specs) never imports the suite's test libs.
    files: ['libs/sdk/**/*.ts', 'libs/sdk/**/*.tsx'],
    ignores: ['**/*.spec.ts', '**/*.spec.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@sigma/shared/*', '@sigma/auth/*', '@sigma/directory/*', '@sigma/session/*', '@sigma/privacy/*', '@sigma/gateway/*'], message: 'SDKs depend on nothing of the suite at runtime.' }] }] },
  },
  {
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.e2e-spec.ts', '**/testing/**/*.ts', 'scripts/**/*'],
    rules: { 'no-console': 'off' },
  },
];
