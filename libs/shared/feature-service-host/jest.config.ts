export default {
  displayName: 'shared-feature-service-host',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/feature-service-host',
};
