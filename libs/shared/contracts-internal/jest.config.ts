export default {
  displayName: 'shared-contracts-internal',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/contracts-internal',
};
