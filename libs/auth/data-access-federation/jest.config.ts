export default {
  displayName: 'auth-data-access-federation',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/data-access-federation',
};
