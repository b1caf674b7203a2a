export default {
  displayName: 'directory-feature-shell',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/feature-shell',
};
