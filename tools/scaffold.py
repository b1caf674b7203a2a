#!/usr/bin/env python3
"""Writes the Nx boilerplate (project.json, tsconfigs, jest config) for the workspace's projects.

Run once per new project: `python3 tools/scaffold.py lib shared/util-config scope:shared type:util`.
Existing files are left alone, so hand edits survive.
"""
import json
import os
import sys


def write(path, content):
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(content if isinstance(content, str) else json.dumps(content, indent=2) + '\n')


def main():
    kind, rel, *tags = sys.argv[1:]
    root = ('libs/' if kind == 'lib' else 'apps/') + rel
    name = rel.replace('/', '-')
    up = '../' * root.count('/') + '../'
    targets = {
        'lint': {'executor': '@nx/eslint:lint', 'options': {'lintFilePatterns': [f'{root}/**/*.ts']}},
        'test': {
            'executor': '@nx/jest:jest',
            'outputs': [f'{{workspaceRoot}}/coverage/{root}'],
            'options': {'jestConfig': f'{root}/jest.config.ts', 'passWithNoTests': False},
        },
    }
    write(f'{root}/project.json', {
        '$schema': f'{up}node_modules/nx/schemas/project-schema.json',
        'name': name,
        'sourceRoot': f'{root}/src',
        'projectType': 'library' if kind == 'lib' else 'application',
        'tags': tags,
        'targets': targets,
    })
    write(f'{root}/tsconfig.json', {
        'extends': f'{up}tsconfig.base.json',
        'files': [],
        'include': [],
        'references': [{'path': './tsconfig.lib.json' if kind == 'lib' else './tsconfig.app.json'}, {'path': './tsconfig.spec.json'}],
    })
    main_cfg = 'tsconfig.lib.json' if kind == 'lib' else 'tsconfig.app.json'
    write(f'{root}/{main_cfg}', {
        'extends': './tsconfig.json',
        'compilerOptions': {'outDir': f'{up}dist/out-tsc', 'types': ['node']},
        'include': ['src/**/*.ts'],
        'exclude': ['src/**/*.spec.ts', 'src/**/*.e2e-spec.ts'],
    })
    write(f'{root}/tsconfig.spec.json', {
        'extends': './tsconfig.json',
        'compilerOptions': {'outDir': f'{up}dist/out-tsc', 'types': ['jest', 'node']},
        'include': ['src/**/*.ts', 'jest.config.ts'],
    })
    write(f'{root}/jest.config.ts', f"""export default {{
  displayName: '{name}',
  preset: '{up}jest.preset.js',
  coverageDirectory: '{up}coverage/{root}',
}};
""")


if __name__ == '__main__':
    main()
