import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

type Initializer = (this: object, first: unknown, second?: unknown) => void;

/** Whether `base` is an ES class (which cannot initialise an object built elsewhere). */
function isClass(base: object): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(base));
}

/**
 * A constructor for Node's HTTP server whose instances have `prototype` as theirs from the start and
 * are then initialised by Node's own constructor `base` (IncomingMessage and ServerResponse are
 * plain functions in Node 20, called this way by their own subclasses).
 */
function constructorWith<T extends typeof IncomingMessage | typeof ServerResponse>(base: T, prototype: object): T {
  const initialize = base as unknown as Initializer;
  function Prototyped(this: object, first: unknown, second?: unknown): void {
    initialize.call(this, first, second);
  }
  Prototyped.prototype = prototype;
  return Prototyped as unknown as T;
}

/**
 * Nest's Express adapter, except that the HTTP server builds each request and response with
 * Express's prototypes for this application (`app.request`, `app.response`) from the start
 * (ADR 11). Express sets those prototypes with Object.setPrototypeOf as every request enters the
 * application; changing a built object's prototype makes V8 give it a new hidden class, and the
 * inline caches of every function that later reads the request or response (Node's HTTP code,
 * Express, our middleware) miss and go megamorphic. Born with the right prototype, Express's own
 * setPrototypeOf finds nothing to change. Measured on auth-server's token endpoint: about half the
 * event loop's CPU per request. HTTPS and forceCloseConnections, which the services do not use, and
 * a Node.js whose request or response constructor is a class keep Nest's own server.
 */
export class ExpressPrototypesAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections || isClass(IncomingMessage) || isClass(ServerResponse)) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    this.httpServer = createServer({ IncomingMessage: constructorWith(IncomingMessage, app.request), ServerResponse: constructorWith(ServerResponse, app.response) }, app);
  }
}
