import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { DomainError } from '../../platform/errors.js';
import type { IntegrationOperation } from './schema.js';
import { authenticateIntegrationCall, recordCall, type Channel } from './service.js';
import { registerIntegrationRoutes } from './integration-routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the integration operation a gateway route performs (checked against the channel's scope) */
    integrationOperation?: IntegrationOperation;
  }
}

interface CallState {
  rawBody: string;
  channel?: Channel;
  appId?: string;
}

const MALFORMED = Symbol('malformed-json');

/**
 * The integration API (/api/integration/v1/...): every route declares its operation in
 * `config.integrationOperation`; a hook authenticates the signed call before validation, so an
 * unsigned caller learns nothing about the request shape. The raw body is kept for the signature.
 * Every call, accepted or refused, is written to the call log with its outcome, never its body.
 */
/**
 * Sets up a signed integration scope (raw-body signature check, call log) and registers `routes` in
 * it. Other modules (HIS pushes for bills, reports, admissions) call this with their own routes;
 * each route names its operation in `config.integrationOperation`.
 */
export async function registerIntegrationApi(
  scope: FastifyInstance,
  ctx: AppContext,
  routes: IntegrationRoutes = registerIntegrationRoutes,
): Promise<void> {
  const calls = new WeakMap<FastifyRequest, CallState>();
  const state = (req: FastifyRequest) => {
    let s = calls.get(req);
    if (!s) {
      s = { rawBody: '' };
      calls.set(req, s);
    }
    return s;
  };

  // Fastify's own JSON parser (prototype-poisoning protection included), fed the kept raw text; a
  // parse failure is reported only after authentication.
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const raw = String(body);
    state(req).rawBody = raw;
    if (raw === '') return done(null, undefined);
    parseJson(req, raw, (err, value) => done(null, err ? MALFORMED : value));
  });

  scope.addHook('preValidation', async (req) => {
    const operation = req.routeOptions.config.integrationOperation;
    if (!operation) return;
    const s = state(req);
    s.appId = typeof req.headers['x-qn-app-id'] === 'string' ? req.headers['x-qn-app-id'] : undefined;
    await authenticateIntegrationCall(
      ctx,
      { method: req.method, url: req.url, rawBody: s.rawBody, headers: req.headers },
      operation,
      (c) => (s.channel = c),
    );
    if ((req.body as unknown) === MALFORMED) {
      throw new DomainError('MALFORMED_JSON', 400, '请求内容不是有效的 JSON', 'Body is not valid JSON');
    }
  });

  scope.addHook('onSend', async (req, reply, payload) => {
    const operation = req.routeOptions.config?.integrationOperation;
    const s = calls.get(req);
    let outcome = 'ok';
    if (reply.statusCode >= 400) outcome = errorCode(payload) ?? `HTTP_${reply.statusCode}`;
    // The log must never turn an answer into a 500: a failed write is reported and the reply goes out.
    await recordCall(ctx, {
      channelId: s?.channel?.id,
      appId:
        s?.appId ?? (typeof req.headers['x-qn-app-id'] === 'string' ? req.headers['x-qn-app-id'] : undefined),
      operation,
      method: req.method,
      path: req.url.split('?')[0],
      outcome,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
      requestId: req.id,
      ip: req.ip,
    }).catch((err) => req.log.error({ err }, 'integration call log write failed'));
    return payload;
  });

  routes(scope, ctx, (req: FastifyRequest) => {
    const c = calls.get(req)?.channel;
    if (!c) throw new DomainError('UNAUTHENTICATED', 401, '请先登录', 'Not authenticated');
    return c;
  });
}

export type IntegrationRoutes = (
  scope: FastifyInstance,
  ctx: AppContext,
  channelOf: (req: FastifyRequest) => Channel,
) => void;

function errorCode(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
