// Lists optional dependencies that package-lock.json names but does not contain. npm leaves such a
// package out when the registry has not published that version for every platform, and `npm ci`
// then refuses the lockfile; pin the parent in package.json "overrides" to a complete release.
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const missing = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    const nested = `${path}/node_modules/${name}`;
    if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) missing.push(`${name} (wanted by ${path || 'the root'})`);
  }
}
if (missing.length > 0) {
  console.error(`package-lock.json lacks optional packages npm ci will ask for:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('package-lock.json is complete');
