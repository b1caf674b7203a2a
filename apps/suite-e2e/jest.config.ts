export default {
  displayName: 'suite-e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 60000,
  coverageDirectory: '../../coverage/apps/suite-e2e',
};
