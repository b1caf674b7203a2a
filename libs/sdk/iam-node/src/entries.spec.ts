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
  it('main.d.ts (the CommonJS module is the class) declares every export of the source', () => {
    const declared = [...read('package/main.d.ts').matchAll(/export import (\w+) = sdk\.(\w+);/g)].map((match) => {
      expect(match[1]).toBe(match[2]);
      return match[1];
    });
    expect(declared.sort()).toEqual(exportedNames());
  });

  it('the ES module entry re-exports every runtime export of the CommonJS one, with the class as default', () => {
    const source = read('esm/index.mjs');
    const names = /export const \{([^}]+)\} = SigmaIAM;/.exec(source)?.[1].split(',').map((name) => name.trim()) ?? [];
    expect(source).toContain('export default SigmaIAM;');
    expect(source).toContain('export { SigmaIAM };');
    expect([...names, 'SigmaIAM'].sort()).toEqual(Object.keys(sdk).sort());
  });
});
