import { Hono } from 'hono';
import type { Db } from '../db/database.js';
import { isDatabaseReachable } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { bodyLimits } from './body-limit.js';
import { clientAddressMiddleware, type TrustedProxies } from './client-address.js';
import { securityHeaders } from './security-headers.js';

export interface HttpAppDeps {
  db: Db;
  logger: Logger;
  trustedProxies: TrustedProxies;
}

/** The hono app with feebot's own routes; channels and gateways (src/gateway-modules.ts) mount theirs on it. */
export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono();
  // First, so that every answer (errors and 413s included) gets the headers.
  app.use(securityHeaders());
  app.use(clientAddressMiddleware(deps.trustedProxies));
  app.use(bodyLimits(app));

  app.get('/healthz', async (c) => {
    const db = await isDatabaseReachable(deps.db);
    return c.json({ status: db ? 'ok' : 'degraded', db: db ? 'reachable' : 'unreachable' }, db ? 200 : 503);
  });

  app.onError((error, c) => {
    if (error instanceof AppError) {
      if (error.httpStatus >= 500) deps.logger.error({ err: error, path: c.req.path }, 'request failed');
      else deps.logger.warn({ code: error.code, path: c.req.path }, error.message);
      return c.json({ error: error.code, message: error.message }, error.httpStatus as 400);
    }
    deps.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json({ error: 'INTERNAL', message: 'internal error' }, 500);
  });

  return app;
}
