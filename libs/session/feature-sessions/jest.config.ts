export default {
  displayName: 'session-feature-sessions',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/session/feature-sessions',
};
