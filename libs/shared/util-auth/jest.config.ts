export default {
  displayName: 'shared-util-auth',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/util-auth',
};
