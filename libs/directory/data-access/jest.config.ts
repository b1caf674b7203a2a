export default {
  displayName: 'directory-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/data-access',
};
