#!/usr/bin/env node
// Scaffolds a library the way every lib here is laid out: project.json with scope/type tags, lint
// and jest targets, tsconfig trio, jest config, an index.ts, and its path alias in tsconfig.base.json.
// Usage: node tools/new-lib.mjs <scope> <name> <type>   e.g. node tools/new-lib.mjs directory domain domain
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [scope, name, type] = process.argv.slice(2);
if (!scope || !name || !type) {
  console.error('usage: node tools/new-lib.mjs <scope> <name> <type>');
  process.exit(2);
}
const root = join('libs', scope, name);
if (existsSync(root)) {
  console.error(`${root} exists`);
  process.exit(1);
}
const project = `${scope}-${name}`;
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
mkdirSync(join(root, 'src/lib'), { recursive: true });
writeFileSync(
  join(root, 'project.json'),
  json({
    $schema: '../../../node_modules/nx/schemas/project-schema.json',
    name: project,
    sourceRoot: `${root}/src`,
    projectType: 'library',
    tags: [`scope:${scope}`, `type:${type}`],
    targets: {
      lint: { executor: '@nx/eslint:lint', options: { lintFilePatterns: [`${root}/**/*.ts`] } },
      test: {
        executor: '@nx/jest:jest',
        outputs: [`{workspaceRoot}/coverage/${root}`],
        options: { jestConfig: `${root}/jest.config.ts`, passWithNoTests: false },
      },
    },
  }),
);
writeFileSync(
  join(root, 'tsconfig.json'),
  json({ extends: '../../../tsconfig.base.json', files: [], include: [], references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }] }),
);
writeFileSync(
  join(root, 'tsconfig.lib.json'),
  json({ extends: './tsconfig.json', compilerOptions: { outDir: '../../../dist/out-tsc', types: ['node'] }, include: ['src/**/*.ts'], exclude: ['src/**/*.spec.ts', 'src/**/*.e2e-spec.ts'] }),
);
writeFileSync(
  join(root, 'tsconfig.spec.json'),
  json({ extends: './tsconfig.json', compilerOptions: { outDir: '../../../dist/out-tsc', types: ['jest', 'node'], isolatedModules: true }, include: ['src/**/*.ts', 'jest.config.ts'] }),
);
writeFileSync(
  join(root, 'jest.config.ts'),
  `export default {\n  displayName: '${project}',\n  preset: '../../../jest.preset.js',\n  coverageDirectory: '../../../coverage/${root}',\n};\n`,
);
writeFileSync(join(root, 'src/index.ts'), '');
const base = JSON.parse(readFileSync('tsconfig.base.json', 'utf8'));
base.compilerOptions.paths[`@sigma/${scope}/${name}`] = [`${root}/src/index.ts`];
base.compilerOptions.paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync('tsconfig.base.json', json(base));
console.log(`created ${root} (@sigma/${scope}/${name})`);
