export default {
  displayName: 'shared-data-access-events',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/data-access-events',
};
