import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type ApiResponse } from '../../testing/harness.js';
import { loginStaff } from '../../testing/staff.js';
import { loginPatient } from '../../testing/patients.js';

/**
 * Every route in the OpenAPI document, fed bad input: malformed JSON, a non-object body, a wrong
 * type for each property, over-long strings (one past the declared maximum, or 100k characters
 * where none is declared), strings holding NUL, an oversized body, malformed path ids and wrongly
 * typed query parameters, as an administrator and as a patient. Each answer must be a 4xx
 * application/problem+json with a stable code: bad input never causes a 5xx. Routes added later
 * by any module are covered automatically.
 */

type Schema = Record<string, any>;
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: Schema;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema; required: boolean }[];
}

const t = await createTestApp();
const spec = (await t.api.get('/api/openapi.json')).body as Schema;
const operations = collectOperations(spec);
afterAll(async () => t.close());

const tokens = { admin: '', patient: '' };
beforeEach(async () => {
  // a route under test may end a session (logout, disable): start again when that happened
  const alive = tokens.admin && (await t.api.get('/api/v1/staff/me', { token: tokens.admin })).status === 200;
  if (!alive) tokens.admin = (await loginStaff(t, 'admin')).token;
  const patientAlive =
    tokens.patient && (await t.api.get('/api/v1/me', { token: tokens.patient })).status === 200;
  if (!patientAlive) tokens.patient = (await loginPatient(t, '13900139000')).token;
});

const BODY_LIMIT = t.app.ctx.config.BODY_LIMIT_BYTES;
const MALFORMED_IDS = [
  'not-a-uuid',
  '0',
  '-1',
  '99999999999999999999999',
  '1.5e308',
  "x'%20OR%20'1'%3D'1",
  '%E4%B8%AD%E6%96%87',
  '%00',
  '..%2F..%2Fetc',
];
// channel callbacks answer in the channel's own protocol; they only must not fail with a 5xx
const CALLBACK = /notify|callback|webhook/i;

describe('every route refuses bad input with a 4xx problem', () => {
  it('finds routes in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(10);
  });

  it('builds samples that pass validation, so each fault tested is the only one', async () => {
    const login = operations.find((o) => o.path === '/api/v1/staff/auth/login')!;
    const res = await t.api.post(login.path, { body: sampleOf(login.body!, spec) });
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    const create = operations.find((o) => o.path === '/api/v1/admin/users' && o.method === 'post')!;
    const wrong = wrongProperties(create.body!, sampleOf(create.body!, spec));
    expect(wrong.map(([k]) => k)).toEqual(expect.arrayContaining(['username', 'roles', 'departmentId']));
  });

  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s',
    async (_name, op) => {
      const failures: string[] = [];
      const check = (what: string, res: ApiResponse) => {
        const problem = String(res.headers['content-type'] ?? '').includes('application/problem+json');
        const code = typeof res.body === 'object' && res.body ? res.body.code : undefined;
        if (CALLBACK.test(op.path) && !op.path.includes('/admin/')) {
          if (res.status >= 500) failures.push(`${what}: ${res.status} ${code ?? ''}`);
          return;
        }
        if (res.status < 400 || res.status >= 500 || !problem || !/^[A-Z][A-Z0-9_]+$/.test(code ?? '')) {
          failures.push(`${what}: ${res.status} ${code ?? String(res.body).slice(0, 80)}`);
        }
      };
      const url = fillPath(op, {});
      const send = (token: string, opts: { body?: unknown; rawBody?: string; url?: string }) =>
        t.api[op.method](opts.url ?? url, { token, body: opts.body, rawBody: opts.rawBody });

      for (const [who, token] of Object.entries(tokens)) {
        if (op.method === 'post' || op.method === 'put' || op.method === 'patch') {
          check(`${who} malformed JSON`, await send(token, { rawBody: '{"a": 1,' }));
          check(
            `${who} oversized body`,
            await send(token, { rawBody: `{"x":"${'a'.repeat(BODY_LIMIT + 16)}"}` }),
          );
          if (op.body) {
            const sample = sampleOf(op.body, spec) as Record<string, unknown>;
            for (const raw of ['[]', '[{}]', '42', '"text"', 'null', 'true']) {
              check(`${who} body ${raw}`, await send(token, { rawBody: raw }));
            }
            for (const [prop, wrong] of wrongProperties(op.body, sample)) {
              check(
                `${who} ${prop}=${JSON.stringify(wrong).slice(0, 20)}`,
                await send(token, { body: { ...sample, [prop]: wrong } }),
              );
            }
            for (const [prop, long] of stringProperties(op.body, sample, overLong)) {
              check(`${who} ${prop} over-long`, await send(token, { body: { ...sample, [prop]: long } }));
            }
            // PostgreSQL text cannot hold U+0000: it must be refused, not fail in the database
            for (const [prop, nul] of stringProperties(op.body, sample, () => 'ab\u0000cd')) {
              check(`${who} ${prop} with NUL`, await send(token, { body: { ...sample, [prop]: nul } }));
            }
          }
        }
        const sample = op.body ? sampleOf(op.body, spec) : undefined;
        for (const p of op.pathParams) {
          for (const bad of MALFORMED_IDS) {
            check(
              `${who} path ${p.name}=${bad}`,
              await send(token, { url: fillPath(op, { [p.name]: bad }), body: sample }),
            );
          }
        }
        for (const q of op.queryParams) {
          for (const bad of wrongQueryValues(q.schema)) {
            const query = new URLSearchParams(requiredQuery(op));
            query.set(q.name, bad);
            check(
              `${who} query ${q.name}=${bad.slice(0, 20)}`,
              await send(token, { url: `${url}?${query}`, body: sample }),
            );
          }
        }
      }
      expect(failures, `bad input answered wrongly:\n${failures.join('\n')}`).toEqual([]);
    },
  );
});

function collectOperations(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths ?? {})) {
    if (path === '/api/openapi.json' || path.startsWith('/api/docs') || path === '/api/metrics') continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const o = item[method];
      if (!o) continue;
      const params: Schema[] = [...(item.parameters ?? []), ...(o.parameters ?? [])];
      const content = o.requestBody?.content ?? {};
      const json = content['application/json']?.schema ?? Object.values<Schema>(content)[0]?.schema;
      ops.push({
        method,
        path,
        body: json ? resolve(json, doc) : undefined,
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: params
          .filter((p) => p.in === 'query')
          .map((p) => ({
            name: p.name,
            schema: resolve(p.schema ?? {}, doc),
            required: Boolean(p.required),
          })),
      });
    }
  }
  return ops;
}

function fillPath(op: Operation, overrides: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name in overrides) return overrides[name];
    const p = op.pathParams.find((x) => x.name === name);
    return encodeURIComponent(String(sampleOf(p?.schema ?? { type: 'string' }, spec)));
  });
}

function requiredQuery(op: Operation): Record<string, string> {
  const q: Record<string, string> = {};
  for (const p of op.queryParams) if (p.required) q[p.name] = String(sampleOf(p.schema, spec));
  return q;
}

function resolve(s: Schema, doc: Schema): Schema {
  if (s && typeof s.$ref === 'string') {
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Schema | undefined, key: string) => node?.[key], doc);
    return resolve(target ?? {}, doc);
  }
  return s ?? {};
}

/** The non-null alternative of a schema (zod's optional/nullable unions). */
function main(s: Schema): Schema {
  const alts: Schema[] | undefined = s.anyOf ?? s.oneOf;
  if (alts) return main(resolve(alts.find((a) => a.type !== 'null') ?? alts[0], spec));
  if (s.allOf?.length === 1) return main(resolve(s.allOf[0], spec));
  return s;
}

/** A union of several real alternatives: a value wrong for one may be right for another. */
function isUnion(raw: Schema): boolean {
  const s = resolve(raw, spec);
  const alts: Schema[] = s.anyOf ?? s.oneOf ?? [];
  return alts.filter((a) => resolve(a, spec).type !== 'null').length > 1;
}

function typeOf(s: Schema): string | undefined {
  const m = main(s);
  if (Array.isArray(m.type)) return m.type.find((x: string) => x !== 'null');
  if (m.type) return m.type;
  if (m.properties) return 'object';
  if (m.enum || m.const !== undefined) return typeof (m.enum?.[0] ?? m.const);
  return undefined;
}

/** A value that should satisfy the schema, so that one wrong property is the only fault. */
function sampleOf(raw: Schema, doc: Schema): unknown {
  const s = main(resolve(raw, doc));
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  switch (typeOf(s)) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) o[k] = sampleOf(v, doc);
      return o;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 1 }, () => sampleOf(s.items ?? {}, doc));
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 1);
      return s.maximum !== undefined ? Math.min(min, s.maximum) : min;
    }
    case 'boolean':
      return true;
    case 'string':
      return sampleString(s);
    default:
      return 'x';
  }
}

function sampleString(s: Schema): string {
  const formats: Record<string, string> = {
    uuid: '00000000-0000-4000-8000-000000000000',
    'date-time': '2026-11-23T01:00:00Z',
    date: '2026-11-23',
    time: '08:00:00',
    email: 'someone@example.com',
    uri: 'https://example.com/',
    url: 'https://example.com/',
  };
  if (s.format && formats[s.format]) return formats[s.format];
  const min = s.minLength ?? 1;
  const max = s.maxLength ?? Infinity;
  const candidates = [
    'abc123',
    'Abc#2026x',
    '13800138000',
    '2026-11-23',
    '08:00',
    '110101199003077777',
    'A1',
    'abc',
    'ABC',
    '1',
    formats.uuid,
    'a'.repeat(min),
  ];
  const re = s.pattern ? new RegExp(s.pattern, 'u') : undefined;
  const fit = candidates.find((c) => c.length >= min && c.length <= max && (!re || re.test(c)));
  return fit ?? 'a'.repeat(Math.min(min, 10_000));
}

/** For each property, a value of the wrong JSON type (skipped where the schema takes anything). */
function wrongProperties(body: Schema, sample: unknown): [string, unknown][] {
  const s = main(body);
  if (typeOf(s) !== 'object' || typeof sample !== 'object' || !sample) return [];
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
    if (isUnion(v)) continue;
    const type = typeOf(v);
    const m = main(resolve(v, spec));
    if (m.enum) out.push([k, '__not_an_option__']);
    switch (type) {
      case 'string':
        out.push([k, 12345], [k, { nested: true }]);
        break;
      case 'integer':
        out.push([k, 1.5], [k, 'abc']);
        break;
      case 'number':
        out.push([k, 'abc'], [k, [1]]);
        break;
      case 'boolean':
        out.push([k, 'yes'], [k, 1]);
        break;
      case 'array':
        out.push([k, 'not-an-array'], [k, { 0: 'x' }]);
        break;
      case 'object':
        out.push([k, 'not-an-object'], [k, [1, 2]]);
        break;
    }
  }
  return out;
}

/**
 * For each string property (also in arrays and nested objects), the string `make` returns for its
 * schema in its place.
 */
function stringProperties(
  body: Schema,
  sample: unknown,
  make: (s: Schema) => string | undefined,
): [string, unknown][] {
  const s = main(body);
  if (typeOf(s) !== 'object' || typeof sample !== 'object' || !sample) return [];
  const isText = (x: Schema) => typeOf(x) === 'string' && !x.enum && x.const === undefined && !isUnion(x);
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
    const m = main(resolve(v, spec));
    if (isText(m)) {
      const value = make(m);
      if (value !== undefined) out.push([k, value]);
    }
    const items = main(resolve(m.items ?? {}, spec));
    if (typeOf(m) === 'array' && isText(items)) {
      const value = make(items);
      if (value !== undefined) out.push([k, [value]]);
    }
    if (typeOf(m) === 'object') {
      const inner = sampleOf(m, spec) as Record<string, unknown>;
      for (const [ik, iv] of Object.entries<Schema>(m.properties ?? {})) {
        const im = main(resolve(iv, spec));
        const value = isText(im) ? make(im) : undefined;
        if (value !== undefined) out.push([k, { ...inner, [ik]: value }]);
      }
    }
  }
  return out;
}

/** One character past the declared maximum, or 100k characters where none is declared. */
function overLong(s: Schema): string | undefined {
  const length = s.maxLength !== undefined ? s.maxLength + 1 : 100_000;
  return length < BODY_LIMIT - 4096 ? 'x'.repeat(length) : undefined;
}

function wrongQueryValues(raw: Schema): string[] {
  if (isUnion(raw)) return [];
  const s = main(raw);
  const out: string[] = [];
  switch (typeOf(s)) {
    case 'integer':
      out.push('abc', '1.5', '-99999999999999999999', '1e400');
      break;
    case 'number':
      out.push('abc', 'NaN');
      break;
    case 'boolean':
      out.push('maybe');
      break;
    case 'array':
      out.push('');
      break;
  }
  if (s.enum) out.push('__not_an_option__');
  if (s.format === 'uuid') out.push('not-a-uuid', '%00');
  if (s.format === 'date' || s.format === 'date-time') out.push('2026-13-45', 'yesterday');
  if (s.pattern) out.push('\u0000!!');
  if (typeOf(s) === 'integer' && s.minimum !== undefined) out.push(String(s.minimum - 1));
  if (typeOf(s) === 'integer' && s.maximum !== undefined) out.push(String(s.maximum + 1));
  return out;
}
