export default {
  displayName: 'directory-feature-privacy',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/feature-privacy',
};
