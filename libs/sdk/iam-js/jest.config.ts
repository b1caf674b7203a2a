export default {
  displayName: 'sdk-iam-js',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/sdk/iam-js',
};
