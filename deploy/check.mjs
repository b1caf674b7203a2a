#!/usr/bin/env node
// Offline check of the deployment files (deploy/docker, deploy/k8s), for CI:
//   a. renders every overlay with kustomize (a pinned release built with `go install` into
//      .cache/go/bin on the first run; later runs need no network);
//   b. validates every rendered object against the Kubernetes schemas bundled in the npm package
//      kubernetes-models (types, required fields, enums, formats; compiled ajv validators), and
//      rejects unknown fields by walking the same package's TypeScript declarations (its ajv
//      schemas allow additional properties, so alone they would accept `replicaz: 3`). A self-test
//      feeds deliberately broken objects first and fails if any of them is accepted;
//   c. parses deploy/docker/Dockerfile.* (dockerfile-ast): base images pinned (a version tag, never
//      `latest`), a non-root USER in the final stage, no ENV/ARG holding a secret-looking value,
//      the CI build command, production-only dependencies, the app's CMD;
//   d. every settings property of the settings classes reaches the app(s) that read it in every
//      rendered overlay: a ConfigMap key (envFrom / configMapKeyRef) or, for @Secret() properties,
//      a secretKeyRef (and never a ConfigMap); no Secret object is rendered;
//   plus the pod hardening the manifests promise (probes, non-root, read-only root, no caps).
// Exits 1 with one line per problem; prints a summary either way.
//
//   node deploy/check.mjs            KUSTOMIZE=/path/to/kustomize to use another binary
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const started = Date.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KUSTOMIZE_VERSION = 'v5.8.2'; // v5.8.3 needs Go >= 1.27; this machine and CI have Go 1.26
const goCache = join(root, '.cache/go');
const OVERLAYS = ['dev', 'production'];
const APPS = ['admin-gateway', 'auth-server', 'user-directory', 'session-service', 'privacy-worker'];
const SERVICES = APPS.filter((a) => a !== 'admin-gateway');
const PORTS = { 'admin-gateway': 8080, 'auth-server': 3001, 'user-directory': 3002, 'session-service': 3003, 'privacy-worker': 3004 };
// The build command of CI (the one README/CI use to build the five deployable apps).
const CI_BUILD = 'npx nx run-many -t build -p admin-gateway auth-server user-directory session-service privacy-worker';
// Which app reads which settings class (see each app's ServiceDefinition and start-service.ts).
const SETTINGS_FILES = [
  'libs/shared/util-config/src/lib/settings.ts',
  'libs/directory/feature-shell/src/lib/bootstrap.settings.ts',
  'libs/gateway/feature-proxy/src/lib/gateway.settings.ts',
  'libs/gateway/feature-enforcement/src/lib/enforcement.settings.ts',
  'libs/shared/util-crypto/src/lib/secrets-encryption.settings.ts',
  'libs/auth/feature-tokens/src/lib/token.settings.ts',
  'libs/shared/contracts-internal/src/lib/directory-client.settings.ts',
  'libs/auth/feature-oauth/src/lib/oauth.settings.ts',
  'libs/auth/feature-webauthn/src/lib/settings/webauthn.settings.ts',
  'libs/privacy/feature-requests/src/lib/privacy.settings.ts',
  'libs/auth/data-access/src/lib/session-client.settings.ts',
  'libs/session/feature-sessions/src/lib/session.settings.ts',
];
const READERS = {
  HttpSettings: APPS,
  DatabaseSettings: SERVICES,
  EventSettings: APPS,
  BootstrapSettings: ['user-directory'],
  GatewaySettings: ['admin-gateway'],
  EnforcementSettings: ['admin-gateway'],
  SecretsEncryptionSettings: ['user-directory', 'auth-server'],
  TokenSettings: ['auth-server'],
  DirectoryClientSettings: ['auth-server', 'session-service', 'privacy-worker'],
  OAuthSettings: ['auth-server'],
  WebauthnSettings: ['auth-server'],
  PrivacySettings: ['privacy-worker'],
  SessionClientSettings: ['auth-server'],
  SessionSettings: ['session-service'],
};

const problems = [];
const notes = [];
const fail = (msg) => problems.push(msg);
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

// ---------------------------------------------------------------- a. kustomize
function kustomizeBinary() {
  if (process.env.KUSTOMIZE) return process.env.KUSTOMIZE;
  const bin = join(goCache, 'bin/kustomize');
  const version = () => {
    try {
      return execFileSync(bin, ['version'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  if (existsSync(bin) && version().includes(KUSTOMIZE_VERSION)) return bin;
  console.log(`kustomize ${KUSTOMIZE_VERSION} not in ${join(goCache, 'bin')}: building it with go install (needs the Go module proxy once)`);
  const t0 = Date.now();
  execFileSync('go', ['install', `sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}`], {
    stdio: 'inherit',
    env: {
      ...process.env,
      GOBIN: join(goCache, 'bin'),
      GOMODCACHE: join(goCache, 'mod'),
      GOCACHE: join(goCache, 'build'),
      GOFLAGS: '-modcacherw',
      GOTOOLCHAIN: 'local',
    },
  });
  notes.push(`built kustomize ${KUSTOMIZE_VERSION} in ${seconds(Date.now() - t0)}`);
  if (!version().includes(KUSTOMIZE_VERSION)) throw new Error(`kustomize at ${bin} does not report ${KUSTOMIZE_VERSION}`);
  return bin;
}

function render(kustomize, overlay) {
  const out = execFileSync(kustomize, ['build', join(root, 'deploy/k8s/overlays', overlay)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const objects = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) throw new Error(`${overlay}: kustomize output is not YAML: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value) objects.push(value);
  }
  return objects;
}

// ---------------------------------------------------------------- b. schema validation
const modelPath = (o) => `kubernetes-models/${o.apiVersion}/${o.kind}`;
const models = new Map();
async function modelOf(o) {
  const path = modelPath(o);
  if (!models.has(path)) {
    try {
      models.set(path, (await import(path))[o.kind]);
    } catch {
      models.set(path, undefined);
    }
  }
  return models.get(path);
}

/** Interface types of kubernetes-models' declarations, for the unknown-field walk. */
function declarationTypes(objects) {
  const kinds = [...new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`))];
  const file = join(root, '.cache/check-k8s-types.ts');
  const source = kinds.map((k, i) => `import type { I${k.split('/').at(-1)} as T${i} } from "kubernetes-models/${k}";\nexport type K${i} = T${i};\n`).join('');
  const options = { strict: true, noEmit: true, skipLibCheck: true, moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) => (name === file ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022, true) : getSourceFile.call(host, name, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const types = new Map();
  for (const statement of program.getSourceFile(file).statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    if (type.flags & ts.TypeFlags.Any) continue; // the import did not resolve: reported by modelOf
    types.set(kinds[Number(statement.name.text.slice(1))], type);
  }
  return { checker, types };
}

function unknownFields(checker, value, type, path, errors) {
  if (value === null || typeof value !== 'object') return;
  type = checker.getNonNullableType(type);
  const isArray = (t) => checker.isArrayType(t);
  const isObject = (t) => (t.flags & ts.TypeFlags.Object || t.isIntersection()) && !isArray(t);
  if (type.isUnion()) {
    const candidates = type.types.filter((t) => (Array.isArray(value) ? isArray(t) : isObject(t)));
    let fewest;
    for (const candidate of candidates) {
      const found = [];
      unknownFields(checker, value, candidate, path, found);
      if (found.length === 0) return;
      if (!fewest || found.length < fewest.length) fewest = found;
    }
    if (fewest) errors.push(...fewest);
    return;
  }
  if (Array.isArray(value)) {
    if (isArray(type)) value.forEach((v, i) => unknownFields(checker, v, checker.getTypeArguments(type)[0], `${path}[${i}]`, errors));
    return;
  }
  if (!isObject(type)) return; // any / unknown / primitives: ajv checks those
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  for (const [key, v] of Object.entries(value)) {
    const property = checker.getPropertyOfType(type, key);
    if (property) unknownFields(checker, v, checker.getTypeOfSymbol(property), `${path}.${key}`, errors);
    else if (index) unknownFields(checker, v, index.type, `${path}.${key}`, errors);
    else errors.push(`${path}.${key}: unknown field`);
  }
}

async function validateObject(o, declarations) {
  const Model = await modelOf(o);
  if (!Model) return [`no schema for ${o.apiVersion} ${o.kind}`];
  const errors = [];
  try {
    new Model(JSON.parse(JSON.stringify(o))).validate();
  } catch (error) {
    errors.push(...String(error.message).split('\n').filter(Boolean));
  }
  const type = declarations.types.get(`${o.apiVersion}/${o.kind}`);
  if (!type) errors.push(`no type declaration for ${o.apiVersion} ${o.kind}`);
  else unknownFields(declarations.checker, o, type, '', errors);
  return errors;
}

const label = (o) => `${o.kind}/${o.metadata?.name ?? '?'}`;

function selfTestObjects() {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'self-test' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'x', image: 'x:1', ports: [{ containerPort: 80 }], resources: { limits: { memory: '64Mi', cpu: 1 } } }] },
      },
    },
  };
  const clone = () => JSON.parse(JSON.stringify(deployment));
  const broken = [];
  const add = (what, mutate) => {
    const o = clone();
    mutate(o);
    broken.push({ what, o });
  };
  add('unknown container field imagePullPolicyy', (o) => (o.spec.template.spec.containers[0].imagePullPolicyy = 'Always'));
  add('unknown spec field replicaz', (o) => (o.spec.replicaz = 3));
  add('replicas of the wrong type', (o) => (o.spec.replicas = 'two'));
  add('containerPort of the wrong type', (o) => (o.spec.template.spec.containers[0].ports[0].containerPort = '80'));
  add('missing required selector', (o) => delete o.spec.selector);
  add('misspelt probe (readinessprobe)', (o) => (o.spec.template.spec.containers[0].readinessprobe = { httpGet: { path: '/', port: 80 } }));
  broken.push({ what: 'ConfigMap value that is not a string', o: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { PORT: 3001 } } });
  broken.push({
    what: 'HPA target in an unknown place',
    o: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 2, targetCPUUtilizationPercentage: 70 } },
  });
  return { good: deployment, broken };
}

// ---------------------------------------------------------------- c. Dockerfiles
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|DATABASE_URL|_URL_WITH_AUTH)/i;
const SECRET_VALUE = /(:\/\/[^/\s:@]+:[^/\s@]+@|-----BEGIN|AKIA[0-9A-Z]{16}|ghp_[0-9A-Za-z]{20,})/;

function checkDockerfile(app) {
  const path = `deploy/docker/Dockerfile.${app}`;
  if (!existsSync(join(root, path))) return fail(`${path}: missing`);
  const text = readFileSync(join(root, path), 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  if (froms.length < 2) fail(`${path}: not multi-stage (${froms.length} FROM)`);
  const stages = new Set();
  for (const from of froms) {
    const image = from.getImageName();
    const tag = from.getImageTag();
    const digest = from.getImageDigest();
    if (image && !stages.has(image)) {
      if (!tag && !digest) fail(`${path}: base image ${image} is not pinned (no tag or digest)`);
      else if (tag === 'latest') fail(`${path}: base image ${image}:latest is not pinned`);
      else if (tag && !/\d+\.\d+\.\d+/.test(tag) && !digest) fail(`${path}: base image ${image}:${tag} is not pinned to a full version`);
      else if (!digest) notes.push(`${path}: ${image}:${tag} pinned by version, not by digest`);
    }
    if (from.getBuildStage()) stages.add(from.getBuildStage());
  }
  const last = froms.at(-1);
  const finalStage = instructions.filter((i) => i.getRange().start.line > last.getRange().start.line);
  const users = finalStage.filter((i) => i.getKeyword() === 'USER');
  const user = users.at(-1)?.getArgumentsContent()?.trim();
  if (!user) fail(`${path}: no USER in the final stage (it would run as root)`);
  else if (/^(root|0)(:|$)/.test(user)) fail(`${path}: the final stage runs as ${user}`);
  else if (!/^\d+(:\d+)?$/.test(user)) fail(`${path}: USER ${user} is a name; use a number so that runAsNonRoot can verify it`);
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    const pairs = keyword === 'ENV' ? instruction.getProperties() : [instruction.getProperty()].filter(Boolean);
    for (const property of pairs) {
      const name = property.getName();
      const value = property.getValue() ?? '';
      if (SECRET_NAME.test(name)) fail(`${path}:${instruction.getRange().start.line + 1}: ${keyword} ${name} looks like a secret; pass it at run time`);
      if (SECRET_VALUE.test(value)) fail(`${path}:${instruction.getRange().start.line + 1}: ${keyword} ${name} holds a credential-looking value`);
    }
  }
  const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent().replace(/\s+/g, ' ').trim());
  if (!runs.some((r) => r.split(/\s*&&\s*/).includes(CI_BUILD))) fail(`${path}: no RUN with the CI build command "${CI_BUILD}"`);
  if (!runs.some((r) => /^npm ci( |$)/.test(r) && !/--omit=dev/.test(r))) fail(`${path}: no "npm ci" install stage`);
  if (!runs.some((r) => /npm ci .*--omit=dev/.test(r))) fail(`${path}: no "npm ci --omit=dev" for the runtime dependencies`);
  if (finalStage.some((i) => i.getKeyword() === 'RUN' && /npm (ci|install)(?!.*--omit=dev)/.test(i.getArgumentsContent()))) fail(`${path}: the final stage installs dev dependencies`);
  const cmd = finalStage.filter((i) => i.getKeyword() === 'CMD').at(-1)?.getArgumentsContent()?.replace(/\s+/g, '');
  if (cmd !== `["node","dist/apps/${app}/main.js"]`) fail(`${path}: final CMD must be ["node", "dist/apps/${app}/main.js"] (is ${cmd})`);
  const expose = finalStage.find((i) => i.getKeyword() === 'EXPOSE')?.getArgumentsContent()?.trim();
  if (expose !== String(PORTS[app])) fail(`${path}: EXPOSE ${expose} but the app listens on ${PORTS[app]}`);
  if (finalStage.some((i) => i.getKeyword() === 'HEALTHCHECK')) notes.push(`${path}: has a HEALTHCHECK (Kubernetes ignores it)`);
}

// ---------------------------------------------------------------- d. settings coverage
function settingsClasses() {
  const classes = {};
  for (const file of SETTINGS_FILES) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      classes[statement.name.text] = statement.members.filter(ts.isPropertyDeclaration).map((member) => ({
        name: member.name.getText(source),
        secret: (ts.getDecorators(member) ?? []).some((d) => /^Secret\(/.test(d.expression.getText(source))),
      }));
    }
  }
  return classes;
}

function envOf(container, configMaps) {
  const names = new Map(); // env name -> 'configmap' | 'secret' | 'value'
  for (const ref of container.envFrom ?? []) {
    if (ref.configMapRef) {
      const cm = configMaps.get(ref.configMapRef.name);
      if (!cm) {
        fail(`${container.name}: envFrom names ConfigMap ${ref.configMapRef.name}, which is not rendered`);
        continue;
      }
      for (const key of Object.keys(cm.data ?? {})) names.set((ref.prefix ?? '') + key, 'configmap');
    }
    if (ref.secretRef) for (const key of ['(secretRef)']) names.set(key, 'secret');
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) names.set(e.name, 'secret');
    else if (e.valueFrom?.configMapKeyRef) names.set(e.name, 'configmap');
    else names.set(e.name, 'value');
  }
  return names;
}

function checkOverlay(overlay, objects, classes) {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
  const secretNames = new Set(Object.values(classes).flat().filter((p) => p.secret).map((p) => p.name));
  for (const cm of configMaps.values()) {
    for (const [key, value] of Object.entries(cm.data ?? {})) {
      if (secretNames.has(key)) fail(`${overlay}: ConfigMap ${cm.metadata.name} holds ${key}, a secret setting; it belongs in the operator's Secret`);
      if (SECRET_VALUE.test(String(value))) fail(`${overlay}: ConfigMap ${cm.metadata.name} key ${key} holds a credential-looking value`);
    }
  }
  for (const secret of objects.filter((o) => o.kind === 'Secret')) fail(`${overlay}: renders Secret ${secret.metadata.name}; secrets are created by the operator, never committed`);
  const byKind = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  let covered = 0;
  for (const app of APPS) {
    const deployment = byKind('Deployment', app);
    if (!deployment) {
      fail(`${overlay}: no Deployment ${app}`);
      continue;
    }
    for (const kind of ['Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) if (!byKind(kind, app)) fail(`${overlay}: no ${kind} ${app}`);
    const pod = deployment.spec.template.spec;
    const main = pod.containers.find((c) => c.name === app);
    if (!main) {
      fail(`${overlay}: Deployment ${app} has no container named ${app}`);
      continue;
    }
    const containers = [main];
    if (SERVICES.includes(app)) {
      const migrate = (pod.initContainers ?? []).find((c) => (c.command ?? c.args ?? []).includes('--migrate'));
      if (!migrate) fail(`${overlay}: Deployment ${app} has no --migrate init container`);
      else containers.push(migrate);
    }
    // hardening and probes
    if (pod.securityContext?.runAsNonRoot !== true) fail(`${overlay}: ${app} pod lacks securityContext.runAsNonRoot: true`);
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true) fail(`${overlay}: ${app}/${c.name} lacks readOnlyRootFilesystem: true`);
      if (sc.allowPrivilegeEscalation !== false) fail(`${overlay}: ${app}/${c.name} lacks allowPrivilegeEscalation: false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(`${overlay}: ${app}/${c.name} does not drop ALL capabilities`);
      if (!c.resources?.requests?.memory || !c.resources?.limits?.memory || !c.resources?.requests?.cpu) fail(`${overlay}: ${app}/${c.name} lacks resource requests/limits`);
    }
    const probe = (p) => p?.httpGet?.path;
    if (probe(main.livenessProbe) !== '/health/live') fail(`${overlay}: ${app} livenessProbe is not GET /health/live`);
    if (probe(main.startupProbe) !== '/health/live') fail(`${overlay}: ${app} startupProbe is not GET /health/live`);
    if (probe(main.readinessProbe) !== '/health/ready') fail(`${overlay}: ${app} readinessProbe is not GET /health/ready`);
    // settings
    for (const container of containers) {
      const env = envOf(container, configMaps);
      for (const [cls, readers] of Object.entries(READERS)) {
        if (!readers.includes(app)) continue;
        for (const property of classes[cls] ?? []) {
          const where = env.get(property.name);
          const at = `${overlay}: ${app}/${container.name}: ${property.name} (${cls})`;
          if (!where) fail(`${at} is not set by a ConfigMap key or Secret reference`);
          else if (property.secret && where !== 'secret') fail(`${at} is a secret but comes from a ${where}, not a secretKeyRef`);
          else if (!property.secret && where !== 'configmap') fail(`${at} comes from a ${where}; non-secret settings belong in a ConfigMap`);
          else covered += 1;
        }
      }
    }
    if (configMaps.size && overlay) {
      const port = [...configMaps.values()].find((cm) => cm.metadata.name.startsWith(`${app}-config`))?.data?.PORT;
      if (port !== String(PORTS[app])) fail(`${overlay}: ${app} PORT is ${port}, expected ${PORTS[app]}`);
    }
  }
  if (objects.find((o) => o.kind === 'ConfigMap' && o.data?.EVENT_TRANSPORT && o.data.EVENT_TRANSPORT !== 'kafka')) fail(`${overlay}: EVENT_TRANSPORT must be kafka in Kubernetes`);
  for (const kind of ['Ingress', 'NetworkPolicy']) if (!objects.some((o) => o.kind === kind)) fail(`${overlay}: renders no ${kind}`);
  return covered;
}

// ---------------------------------------------------------------- main
const summary = [];
try {
  const kustomize = kustomizeBinary();
  const rendered = {};
  for (const overlay of OVERLAYS) {
    try {
      rendered[overlay] = render(kustomize, overlay);
    } catch (error) {
      fail(`${overlay}: kustomize build failed: ${error.message.split('\n')[0]}`);
      rendered[overlay] = [];
    }
  }
  const all = Object.values(rendered).flat();
  const { good, broken } = selfTestObjects();
  const declarations = declarationTypes([...all, good, ...broken.map((b) => b.o)]);

  // self-test: the validator must accept a valid object and reject each broken one
  const goodErrors = await validateObject(good, declarations);
  if (goodErrors.length) fail(`self-test: a valid Deployment was rejected: ${goodErrors.join('; ')}`);
  let caught = 0;
  for (const { what, o } of broken) {
    const errors = await validateObject(o, declarations);
    if (errors.length === 0) fail(`self-test: the validator accepted a broken object (${what})`);
    else caught += 1;
  }
  summary.push(`self-test: ${caught}/${broken.length} broken objects rejected, the valid one ${goodErrors.length ? 'REJECTED' : 'accepted'}`);

  const classes = settingsClasses();
  for (const cls of Object.keys(classes)) if (!READERS[cls]) fail(`settings class ${cls} is read by which apps? Add it to READERS in deploy/check.mjs`);
  for (const cls of Object.keys(READERS)) if (!classes[cls]) fail(`settings class ${cls} not found in ${SETTINGS_FILES.join(', ')}`);

  for (const overlay of OVERLAYS) {
    const objects = rendered[overlay];
    let invalid = 0;
    for (const o of objects) {
      const errors = await validateObject(o, declarations);
      if (errors.length) invalid += 1;
      for (const e of errors) fail(`${overlay}: ${label(o)}: ${e}`);
    }
    const covered = objects.length ? checkOverlay(overlay, objects, classes) : 0;
    const kinds = {};
    for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    summary.push(`overlay ${overlay}: ${objects.length} objects (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), ${invalid} invalid, ${covered} setting references checked`);
  }

  for (const app of APPS) checkDockerfile(app);
  // CI builds the deployable apps with the very command the images run.
  const testScript = readFileSync(join(root, 'scripts/test.sh'), 'utf8');
  if (!testScript.split('\n').some((line) => line.trim() === CI_BUILD)) fail(`scripts/test.sh does not run the images' build command "${CI_BUILD}"`);
  summary.push(`Dockerfiles: ${APPS.length} checked, build command shared with scripts/test.sh`);
  const extra = readdirSync(join(root, 'deploy/docker')).filter((f) => f.startsWith('Dockerfile.') && !APPS.includes(f.slice('Dockerfile.'.length)));
  if (extra.length) notes.push(`unchecked Dockerfiles: ${extra.join(', ')}`);
} catch (error) {
  fail(`check could not run: ${error.stack ?? error}`);
}

console.log('deploy check:');
for (const line of summary) console.log(`  ${line}`);
for (const note of [...new Set(notes)]) console.log(`  note: ${note}`);
if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ✗ ${p}`);
  console.error(`deploy check FAILED in ${seconds(Date.now() - started)}`);
  process.exit(1);
}
console.log(`deploy check passed in ${seconds(Date.now() - started)}`);
