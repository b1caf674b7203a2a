export default {
  displayName: 'gateway-feature-proxy',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/gateway/feature-proxy',
};
