import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const SNIPPETS = join(__dirname, '../snippets');

/**
 * The seeds' TypeScript snippets (libs/sdk/iam-js/snippets, copied as the seeds write them with only
 * the import's package name changed to @sigma/iam-js) compile against this package in strict mode,
 * as an application's bundler would build them (ES modules, top-level await, DOM).
 */
describe("the seeds' SDK snippets", () => {
  const files = readdirSync(SNIPPETS)
    .filter((name) => name.endsWith('.mts'))
    .map((name) => join(SNIPPETS, name));

  it('are all there', () => {
    expect(files.map((file) => file.slice(SNIPPETS.length + 1)).sort()).toEqual([
      'seed-000-basic-usage.mts',
      'seed-000-react-social-login.mts',
      'seed-001-identity-client.mts',
      'seed-002-identity-gateway.mts',
      'snippet-globals.d.mts',
    ]);
  });

  it('type-check against @sigma/iam-js with no error', () => {
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
      paths: { '@sigma/iam-js': [join(__dirname, 'index.ts')] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file ? `${diagnostic.file.fileName.slice(SNIPPETS.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
