export default {
  displayName: 'privacy-feature-requests',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/privacy/feature-requests',
};
