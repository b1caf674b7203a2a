export default {
  displayName: 'auth-data-access-authorize',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/data-access-authorize',
};
