// The components render in jsdom; specs are .tsx (JSX only in this lib's tsconfig) and type-checked
// by ts-jest (no isolatedModules), since the workspace typecheck reads .ts files only.
export default {
  displayName: 'sdk-iam-react',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/sdk/iam-react',
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/jest.setup.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true, sourceMap: false } }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};
