export default {
  displayName: 'shared-util-http',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/util-http',
};
