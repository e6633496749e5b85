import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  hasZodFastifySchemaValidationErrors,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppConfig } from './config.js';
import type { Database } from './db/client.js';
import { hospitalClock, systemClock, type Clock } from './platform/clock.js';
import type { AppContext } from './platform/context.js';
import { DomainError, toProblem } from './platform/errors.js';
import { Jobs } from './platform/jobs.js';
import { EventBus } from './platform/events.js';
import { eventRoutes, registerEventJobs } from './platform/event-routes.js';
import { logRedactPaths } from './platform/logging.js';
import { buildAdapters, type AdapterOverrides } from './integrations/index.js';
import { modules } from './modules/index.js';
import { flushReadCacheOnStaffWrites } from './platform/read-cache.js';
import { hoistAccessGuards, requireOpsToken } from './platform/auth.js';

export interface BuildOptions {
  config: AppConfig;
  database: Database;
  clock?: Clock;
  adapters?: AdapterOverrides;
  /** false silences request logs (tests) */
  logger?: boolean;
  /** pg-boss polling and cron-check intervals (tests shorten them) */
  jobOptions?: ConstructorParameters<typeof Jobs>[3];
  /** where the built web apps live; defaults to apps/<name>/dist */
  webRoot?: string;
}

export type App = FastifyInstance & { ctx: AppContext };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config, database } = opts;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: { paths: logRedactPaths, censor: '[redacted]' },
            serializers: {
              // the query string may carry codes or numbers: log the path only
              req: (req) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
            },
          },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // X-Forwarded-For is believed only from the proxies listed in TRUST_PROXY; anyone else could
    // forge it to escape per-address limits or to write a false address into the audit log.
    trustProxy: config.TRUST_PROXY.length ? config.TRUST_PROXY : false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false } },
    // Plugins (swagger-ui reads its static files) take more than the default 10 s on a loaded
    // machine; a slow start is not a broken one.
    pluginTimeout: 120_000,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const clock = hospitalClock(opts.clock ?? systemClock, config.HOSPITAL_TIMEZONE);
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    clock,
    log: app.log,
    jobs: new Jobs(database, app.log, config.HOSPITAL_TIMEZONE, opts.jobOptions),
    events: new EventBus(() => ctx),
    adapters: buildAdapters(config, clock, opts.adapters),
  };
  app.decorate('ctx', ctx);
  // The dispatcher (started by main.ts, or by a test) stops with the app.
  app.addHook('onClose', async () => ctx.events.stop());
  registerEventJobs(ctx);

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    const problem = problemFor(err);
    if (problem.status >= 500) req.log.error({ err }, 'unhandled error');
    reply.status(problem.status).type('application/problem+json').send(toProblem(problem, req.id));
  });

  // A JSON body nested deeper than JSON_MAX_DEPTH is refused before it is parsed.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    if (jsonNestingExceeds(text, config.JSON_MAX_DEPTH))
      return done(tooDeep(config.JSON_MAX_DEPTH), undefined);
    parseJson(req, text, done);
  });

  // PostgreSQL text cannot hold NUL; refuse it at the edge so no route answers a 5xx for it. The walk
  // also bounds the depth of bodies parsed elsewhere (the signed integration scope keeps its own parser).
  app.addHook('preValidation', async (req) => {
    for (const part of [req.params, req.query, req.body]) {
      const found = inspectInput(part, config.JSON_MAX_DEPTH);
      if (found === 'nul')
        throw new DomainError(
          'INVALID_CHARACTER',
          400,
          '请求包含无效字符',
          'Request contains a NUL character',
        );
      if (found === 'too_deep') throw tooDeep(config.JSON_MAX_DEPTH);
    }
  });

  hoistAccessGuards(app as unknown as FastifyInstance);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        connectSrc: ["'self'"],
        frameSrc: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Qingnang API', version: '0.1.0', description: '青囊 smart-hospital platform API' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  if (config.exposure.apiDocs !== 'off') {
    const opsOnly = config.exposure.apiDocs === 'token' ? requireOpsToken(config) : undefined;
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      uiHooks: opsOnly ? { onRequest: opsOnly } : undefined,
    });
    app.get('/api/openapi.json', { schema: { hide: true }, onRequest: opsOnly }, async () => app.swagger());
  }

  flushReadCacheOnStaffWrites(app as unknown as FastifyInstance, ctx);
  await app.register(async (scope) => eventRoutes(scope as unknown as FastifyInstance, ctx), {
    prefix: '/api',
  });
  for (const m of modules) {
    await app.register(async (scope) => m.register(scope as unknown as FastifyInstance, ctx), {
      prefix: '/api',
    });
  }

  await registerWebApps(app as unknown as FastifyInstance, opts.webRoot ?? join(ROOT, 'apps'));

  await app.ready();
  return app as unknown as App;
}

const tooDeep = (max: number) =>
  new DomainError(
    'JSON_TOO_DEEP',
    400,
    `请求内容嵌套层数过多（最多 ${max} 层）`,
    `JSON nested deeper than ${max} levels`,
    {
      maxDepth: max,
    },
  );

/** Counts bracket nesting outside string literals, without parsing: linear time, constant stack. */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * Walks parsed input with an explicit stack (a recursive walk overflows on hostile nesting) and
 * reports the first NUL character in a key or string, or nesting deeper than `max`.
 */
export function inspectInput(input: unknown, max: number): 'nul' | 'too_deep' | undefined {
  const stack: Array<[unknown, number]> = [[input, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'nul';
    } else if (v && typeof v === 'object') {
      if (depth >= max) return 'too_deep';
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
      else
        for (const [k, x] of Object.entries(v)) {
          if (k.includes('\u0000')) return 'nul';
          stack.push([x, depth + 1]);
        }
    }
  }
  return undefined;
}

function problemFor(err: FastifyError | DomainError): DomainError {
  if (err instanceof DomainError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    return new DomainError('VALIDATION_FAILED', 400, '请求参数不正确', 'Request is invalid', { issues });
  }
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('MALFORMED_JSON', 400, '请求内容不是有效的 JSON', 'Body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('BODY_TOO_LARGE', 413, '请求内容过大', 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 415, '不支持的内容类型', 'Unsupported content type');
    case 'FST_ERR_VALIDATION':
      return new DomainError('VALIDATION_FAILED', 400, '请求参数不正确', 'Request is invalid');
  }
  if (e.statusCode === 429)
    return new DomainError('RATE_LIMITED', 429, '请求过于频繁，请稍后再试', 'Too many requests');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new DomainError('BAD_REQUEST', e.statusCode, '请求无效', e.message);
  }
  return new DomainError('INTERNAL_ERROR', 500, '系统繁忙，请稍后再试', 'Internal error');
}

/** Patient H5 at /, console at /console/; each SPA falls back to its index.html. */
async function registerWebApps(app: FastifyInstance, appsDir: string) {
  const patientDist = join(appsDir, 'patient/dist');
  const consoleDist = join(appsDir, 'console/dist');
  const hasPatient = existsSync(join(patientDist, 'index.html'));
  const hasConsole = existsSync(join(consoleDist, 'index.html'));
  if (hasPatient)
    await app.register(fastifyStatic, { root: patientDist, prefix: '/', wildcard: false, index: false });
  if (hasConsole)
    await app.register(fastifyStatic, {
      root: consoleDist,
      prefix: '/console/',
      decorateReply: !hasPatient,
      wildcard: false,
      index: false,
    });
  const page = (dir: string, present: boolean) =>
    present
      ? readFileSync(join(dir, 'index.html'), 'utf8')
      : '<!doctype html><p>Web app not built: run npm run build</p>';
  const patientIndex = page(patientDist, hasPatient);
  const consoleIndex = page(consoleDist, hasConsole);
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/api/') || req.method !== 'GET') {
      const e = new DomainError('ROUTE_NOT_FOUND', 404, '接口不存在', `No route ${req.method} ${path}`);
      return reply.status(404).type('application/problem+json').send(toProblem(e, req.id));
    }
    if (path === '/console' || path.startsWith('/console/'))
      return reply.type('text/html').send(consoleIndex);
    return reply.type('text/html').send(patientIndex);
  });
}
