export default {
  displayName: 'session-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/session/domain',
};
