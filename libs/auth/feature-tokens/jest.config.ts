export default {
  displayName: 'auth-feature-tokens',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-tokens',
};
