export default {
  displayName: 'auth-feature-oauth',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-oauth',
};
