export default {
  displayName: 'session-feature-shell',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/session/feature-shell',
};
