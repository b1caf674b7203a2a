export default {
  displayName: 'gateway-feature-enforcement',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/gateway/feature-enforcement',
};
