export default {
  displayName: 'directory-feature-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/feature-access',
};
