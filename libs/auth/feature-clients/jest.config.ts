export default {
  displayName: 'auth-feature-clients',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-clients',
};
