export default {
  displayName: 'shared-util-crypto',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/util-crypto',
};
