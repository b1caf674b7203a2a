export default {
  displayName: 'auth-feature-privacy',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-privacy',
};
