export default {
  displayName: 'shared-util-observability',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/util-observability',
};
