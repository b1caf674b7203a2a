export default {
  displayName: 'session-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/session/data-access',
};
