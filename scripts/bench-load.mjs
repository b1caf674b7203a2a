// Load generator of `npm run bench -- oauth`, run as its own process so it does not share an event
// loop with the server it measures: keeps `concurrency` requests in flight over keep-alive
// connections for `durationMs` after `warmupMs`, and prints {requests, perSecond, p50, p99, errors}.
// With `chain`, each connection posts its own refresh token and carries on with the one answered
// (refresh-token rotation: every token is used once).
//
//   node scripts/bench-load.mjs '<json spec>'
import { Agent, request } from 'node:http';

const spec = JSON.parse(process.argv[2]);
const url = new URL(spec.url);
const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });

function once(body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: spec.method ?? 'POST', agent, headers: { ...spec.headers, 'content-length': Buffer.byteLength(body ?? '') } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '', ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

const latencies = [];
let errors = 0;
let measuring = false;
let stop = false;

async function worker(index) {
  let token = spec.chain?.tokens[index];
  while (!stop) {
    const body = spec.chain ? JSON.stringify({ refresh_token: token }) : spec.body;
    const answer = await once(body);
    if (answer.status !== 200) {
      if (measuring) errors += 1;
      if (spec.chain) return;
      continue;
    }
    if (spec.chain) token = JSON.parse(answer.body).refresh_token;
    if (measuring) latencies.push(answer.ms);
  }
}

const workers = Array.from({ length: spec.concurrency }, (_, i) => worker(i));
await new Promise((r) => setTimeout(r, spec.warmupMs));
measuring = true;
const started = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, spec.durationMs));
measuring = false;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
stop = true;
await Promise.all(workers);
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
console.log(JSON.stringify({ requests: latencies.length, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors }));
agent.destroy();
