export default {
  displayName: 'auth-feature-federation',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-federation',
};
