export default {
  displayName: 'directory-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/directory/domain',
};
