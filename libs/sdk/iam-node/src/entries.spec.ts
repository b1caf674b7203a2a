import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sdk from './index';

const read = (path: string) => readFileSync(join(__dirname, '..', path), 'utf8');

/** Every name src/index.ts exports, values and types. */
function exportedNames(): string[] {
  const names = [...read('src/index.ts').matchAll(/export (?:type )?\{([^}]+)\}/g)].flatMap((match) => match[1].split(',').map((name) => name.trim()));
  return names.filter((name) => name !== '').sort();
}

describe('the package entries', () => {
  it('main.d.ts (the CommonJS module is the class) declares every export of the source, values as values and types as types', () => {
    const declarations = read('package/main.d.ts');
    const values = [...declarations.matchAll(/export import (\w+) = sdk\.(\w+);/g)];
    const types = [...declarations.matchAll(/export type (\w+) = sdk\.(\w+);/g)];
    for (const match of [...values, ...types]) expect(match[1]).toBe(match[2]);
    expect(values.map((match) => match[1]).sort()).toEqual(Object.keys(sdk).sort());
    expect([...values, ...types].map((match) => match[1]).sort()).toEqual(exportedNames());
  });

  it('the ES module entry re-exports every runtime export of the CommonJS one, with the class as default', () => {
    const source = read('esm/index.mjs');
    const names = /export const \{([^}]+)\} = SigmaIAM;/.exec(source)?.[1].split(',').map((name) => name.trim()) ?? [];
    expect(source).toContain('export default SigmaIAM;');
    expect(source).toContain('export { SigmaIAM };');
    expect([...names, 'SigmaIAM'].sort()).toEqual(Object.keys(sdk).sort());
  });
});
