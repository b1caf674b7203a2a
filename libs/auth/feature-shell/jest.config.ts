export default {
  displayName: 'auth-feature-shell',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-shell',
};
