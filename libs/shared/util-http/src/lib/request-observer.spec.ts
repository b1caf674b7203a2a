import express from 'express';
import { AddressInfo } from 'node:net';
import { Agent, request, Server } from 'node:http';
import pino from 'pino';
import { Writable } from 'node:stream';
import { RequestSample, createRequestObserver } from './request-observer';

describe('createRequestObserver', () => {
  const samples: RequestSample[] = [];
  const lines: Array<Record<string, unknown>> = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(createRequestObserver({ logger: pino({ level: 'info' }, sink), routeLabel: (req) => req.path, onComplete: (sample) => samples.push(sample) }));
    app.post('/answer', (req, res) => {
      req.resume();
      req.on('end', () => res.status(201).json({ ok: true }));
    });
    // Never answers: the client gives up first.
    app.post('/hang', (req) => req.resume());
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    samples.length = 0;
    lines.length = 0;
  });

  const until = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('reports each answered request once, over a kept-alive connection, with its id echoed', async () => {
    const agent = new Agent({ keepAlive: true });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', path: '/answer?tenant_id=x', method: 'POST', agent, headers: { 'x-request-id': `trace-${i}` } }, (res) => {
          ids.push(String(res.headers['x-request-id']));
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end('body');
      });
    }
    agent.destroy();
    await until(() => samples.length === 3);
    expect(ids).toEqual(['trace-0', 'trace-1', 'trace-2']);
    expect(samples.map((s) => [s.method, s.route, s.status])).toEqual([
      ['POST', '/answer', 201],
      ['POST', '/answer', 201],
      ['POST', '/answer', 201],
    ]);
    expect(lines.map((line) => [line['request_id'], line['status'], line['path']])).toEqual([
      ['trace-0', 201, '/answer'],
      ['trace-1', 201, '/answer'],
      ['trace-2', 201, '/answer'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(samples).toHaveLength(3);
  });

  it('reports a request the client abandoned once, as 499', async () => {
    const req = request({ port, host: '127.0.0.1', path: '/hang', method: 'POST', headers: { 'content-length': '10' } });
    req.on('error', () => undefined);
    req.write('x');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await until(() => samples.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(samples.map((s) => s.status)).toEqual([499]);
    expect(lines.map((line) => line['status'])).toEqual([499]);
  });
});
