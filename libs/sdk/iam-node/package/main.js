'use strict';
// The CommonJS entry. Seed 000 writes `const SigmaIAM = require('@sigma/iam-node')`: the module is
// the SigmaIAM class itself, and it carries every named export as well
// (`const { SigmaIAM, DenyList } = require('@sigma/iam-node')`).
const sdk = require('./index.js');

const SigmaIAM = sdk.SigmaIAM;
for (const name of Object.keys(sdk)) {
  if (name !== 'SigmaIAM') Object.defineProperty(SigmaIAM, name, { value: sdk[name], enumerable: true });
}
Object.defineProperty(SigmaIAM, 'SigmaIAM', { value: SigmaIAM, enumerable: true });
Object.defineProperty(SigmaIAM, 'default', { value: SigmaIAM });
module.exports = SigmaIAM;
