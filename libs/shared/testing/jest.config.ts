export default {
  displayName: 'shared-testing',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/testing',
};
