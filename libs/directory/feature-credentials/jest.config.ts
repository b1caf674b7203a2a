export default {
  displayName: 'directory-feature-credentials',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/feature-credentials',
};
