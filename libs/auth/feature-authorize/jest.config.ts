export default {
  displayName: 'auth-feature-authorize',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-authorize',
};
