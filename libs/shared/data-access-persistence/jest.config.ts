export default {
  displayName: 'shared-data-access-persistence',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/data-access-persistence',
};
