import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sdk from './index';

describe('the ES module entry (esm/index.mjs)', () => {
  it('re-exports every runtime export of the CommonJS entry', () => {
    const source = readFileSync(join(__dirname, '../esm/index.mjs'), 'utf8');
    const names = /export const \{([^}]+)\} = sdk;/.exec(source)?.[1].split(',').map((name) => name.trim()) ?? [];
    expect(names.sort()).toEqual(Object.keys(sdk).sort());
  });
});
