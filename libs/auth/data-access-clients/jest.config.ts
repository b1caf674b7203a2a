export default {
  displayName: 'auth-data-access-clients',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/auth/data-access-clients',
};
