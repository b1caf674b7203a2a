export default {
  displayName: 'shared-contracts-events',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/contracts-events',
};
