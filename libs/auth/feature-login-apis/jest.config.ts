export default {
  displayName: 'auth-feature-login-apis',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-login-apis',
};
