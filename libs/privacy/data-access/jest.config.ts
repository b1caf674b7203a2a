export default {
  displayName: 'privacy-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/privacy/data-access',
};
