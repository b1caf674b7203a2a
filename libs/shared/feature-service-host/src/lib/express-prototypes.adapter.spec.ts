import type { Express, Request, Response } from 'express';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ExpressPrototypesAdapter } from './express-prototypes.adapter';

describe('ExpressPrototypesAdapter', () => {
  let adapter: ExpressPrototypesAdapter;
  let server: Server;
  let base: string;
  const born: boolean[] = [];

  beforeAll(async () => {
    adapter = new ExpressPrototypesAdapter();
    const app = adapter.getInstance<Express>();
    app.set('trust proxy', 'loopback');
    app.get('/echo', (req: Request, res: Response) => {
      res.json({ path: req.path, query: req.query, ip: req.ip, isRequest: req instanceof IncomingMessage, isResponse: res instanceof ServerResponse });
    });
    adapter.initHttpServer({});
    server = adapter.getHttpServer() as Server;
    // Ahead of Express: what Node's server built, before Express touches it.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      born.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("builds requests and responses with the application's Express prototypes, which Express then leaves alone", async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(`${base}/echo?n=${i}`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      answers.push({ status: answer.status, body: (await answer.json()) as Record<string, unknown> });
    }
    expect(born).toEqual([true, true, true]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[2].body).toEqual({ path: '/echo', query: { n: '2' }, ip: '203.0.113.9', isRequest: true, isResponse: true });
  });
});
