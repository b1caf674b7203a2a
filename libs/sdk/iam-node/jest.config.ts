export default {
  displayName: 'sdk-iam-node',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/sdk/iam-node',
};
