export default {
  displayName: 'privacy-feature-shell',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/privacy/feature-shell',
};
