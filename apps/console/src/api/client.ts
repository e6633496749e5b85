import { endSession, getLanguage, getTokens, setTokens, type Tokens } from './session';

/** The server's application/problem+json body. */
export interface Problem {
  status: number;
  code: string;
  detail?: string;
  message?: { zh: string; en: string };
  requestId?: string;
  details?: Record<string, unknown> & {
    issues?: { path: string; message: string }[];
  };
}

/** A refused request: `message` is already in the console's current language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

const BASE = '/api/v1';

// 401 codes after which a refresh cannot help: the session itself is over.
const SESSION_OVER = new Set(['SESSION_IDLE_TIMEOUT', 'SESSION_REVOKED', 'REFRESH_TOKEN_INVALID']);

export function buildUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, x));
    else qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${BASE}${path}${s ? `?${s}` : ''}`;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** false: do not send the token nor try a refresh (login, refresh itself) */
  auth?: boolean;
  headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
};

/** Downloads a file the server generates (e.g. an Excel export) and returns it with its name. */
export async function download(path: string, query?: Query): Promise<{ blob: Blob; filename: string }> {
  const res = await send('GET', path, { query });
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const filename = star ? decodeURIComponent(star[1]) : plain ? plain[1] : 'export.xlsx';
  return { blob: await res.blob(), filename };
}

async function send(method: string, path: string, opts: RequestOptions, retried = false): Promise<Response> {
  const auth = opts.auth !== false;
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json, */*',
    'accept-language': getLanguage() === 'zh' ? 'zh-CN' : 'en',
    ...opts.headers,
  };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const tokens = getTokens();
  if (auth && tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK_ERROR',
      pick({ zh: '网络连接失败，请稍后重试', en: 'Network error, please retry' }),
    );
  }
  if (res.ok) return res;
  const problem = await readProblem(res);
  if (res.status === 401 && auth && tokens) {
    if (!retried && !SESSION_OVER.has(problem.code) && (await refreshOnce(tokens))) {
      return send(method, path, opts, true);
    }
    endSession({ code: problem.code, message: messageOf(problem) }, tokens);
  }
  throw new ApiError(res.status, problem.code, messageOf(problem), problem);
}

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time: parallel 401s wait for the same rotation (a refresh token is single-use). */
function refreshOnce(used: Tokens): Promise<boolean> {
  const current = getTokens();
  if (current && current.accessToken !== used.accessToken) return Promise.resolve(true);
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await fetch(buildUrl('/staff/auth/refresh'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: used.refreshToken }),
        });
        if (!res.ok) return false;
        const next = (await res.json()) as Tokens;
        setTokens({ accessToken: next.accessToken, refreshToken: next.refreshToken });
        return true;
      } catch {
        return false;
      } finally {
        setTimeout(() => (refreshing = null), 0);
      }
    })();
  }
  return refreshing;
}

async function readProblem(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as Partial<Problem>;
    return { ...body, status: res.status, code: body.code ?? `HTTP_${res.status}` } as Problem;
  } catch {
    return { status: res.status, code: `HTTP_${res.status}` };
  }
}

function pick(m: { zh: string; en: string }): string {
  return getLanguage() === 'en' ? m.en : m.zh;
}

export function messageOf(p: Problem): string {
  if (p.message) return pick(p.message);
  return p.detail ?? pick({ zh: `请求失败（${p.status}）`, en: `Request failed (${p.status})` });
}

/** Lists come as arrays or as pages; the console reads both the same way. */
export interface Page<T> {
  items: T[];
  total: number;
}

export function toPage<T>(r: unknown): Page<T> {
  if (Array.isArray(r)) return { items: r as T[], total: r.length };
  const o = (r ?? {}) as { items?: T[]; data?: T[]; total?: number };
  const items = o.items ?? o.data ?? [];
  return { items, total: o.total ?? items.length };
}
