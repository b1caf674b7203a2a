export default {
  displayName: 'auth-feature-webauthn',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/feature-webauthn',
};
