export default {
  displayName: 'directory-feature-users',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/feature-users',
};
