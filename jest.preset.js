// Shared jest settings for every project: ts-jest in CommonJS, node environment, path aliases
// from tsconfig.base.json resolved by each project's tsconfig.spec.json. Dependencies published
// only as ES modules (jose, openid-client, oauth4webapi, and otplib's @scure/base and @noble/hashes)
// are compiled to CommonJS for jest's module system; Node itself loads them natively (require(esm), Node ≥ 20.19).
const nxPreset = require('@nx/jest/preset').default;

const ESM_ONLY = ['jose', 'openid-client', 'oauth4webapi', '@scure/base', '@noble/hashes'];

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true, sourceMap: false } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
