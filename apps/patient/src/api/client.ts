/**
 * The one HTTP client of the patient H5: plain fetch, no UI code, so a mini-program shell can
 * reuse it. Base /api/v1, bearer token from storage, one refresh-token rotation on an expired
 * access token, problem+json errors turned into ApiError with the message in the current language.
 */

export type Lang = 'zh' | 'en';

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export const API_BASE = '/api/v1';
const TOKENS_KEY = 'qn.patient.tokens';

let language: Lang = 'zh';

/** The UI tells the client its language: used for Accept-Language and error messages. */
export function setApiLanguage(lang: Lang) {
  language = lang;
}

export function apiLanguage(): Lang {
  return language;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: LocalizedText,
    readonly details?: unknown,
  ) {
    super(messages[language] || messages.zh || code);
    this.name = 'ApiError';
  }

  /** the message in the language chosen now (the user may have switched since) */
  localized(lang: Lang = language): string {
    return this.messages[lang] || this.messages.zh || this.code;
  }
}

// ---- token storage -------------------------------------------------------------------------

type TokenListener = (tokens: TokenPair | null) => void;
const listeners = new Set<TokenListener>();

export const tokenStore = {
  get(): TokenPair | null {
    try {
      const raw = localStorage.getItem(TOKENS_KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<TokenPair>;
      return parsed.accessToken && parsed.refreshToken
        ? { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken }
        : null;
    } catch {
      return null;
    }
  },
  set(tokens: TokenPair | null) {
    if (tokens)
      localStorage.setItem(
        TOKENS_KEY,
        JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
      );
    else localStorage.removeItem(TOKENS_KEY);
    for (const l of listeners) l(tokens);
  },
  subscribe(listener: TokenListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// ---- requests ------------------------------------------------------------------------------

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** false: never send the token (login endpoints) */
  auth?: boolean;
  signal?: AbortSignal;
}

export function get<T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) {
  return request<T>('GET', path, { query, signal });
}
export function post<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) {
  return request<T>('POST', path, { ...opts, body });
}
export function put<T>(path: string, body?: unknown) {
  return request<T>('PUT', path, { body });
}
export function patch<T>(path: string, body?: unknown) {
  return request<T>('PATCH', path, { body });
}
export function del<T>(path: string, body?: unknown) {
  return request<T>('DELETE', path, { body });
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const useAuth = opts.auth !== false;
  let tokens = useAuth ? tokenStore.get() : null;
  let res = await send(method, path, opts, tokens?.accessToken);
  if (res.status === 401 && tokens) {
    const problem = await readProblem(res.clone());
    if (problem.code === 'ACCESS_TOKEN_INVALID') {
      tokens = await refreshOnce(tokens.refreshToken);
      if (tokens) res = await send(method, path, opts, tokens.accessToken);
    }
  }
  if (res.status === 401 && useAuth && tokenStore.get()) {
    // the session is gone (revoked, refresh refused): forget it so the UI asks to log in again
    const problem = await readProblem(res.clone());
    if (
      ['ACCESS_TOKEN_INVALID', 'SESSION_REVOKED', 'REFRESH_TOKEN_INVALID', 'UNAUTHENTICATED'].includes(
        problem.code,
      )
    )
      tokenStore.set(null);
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await res.text()) as unknown as T;
  return (await res.json()) as T;
}

/** A file the API serves (e.g. an e-invoice PDF), fetched with the session like any other call. */
export async function getBlob(path: string): Promise<{ blob: Blob; filename: string | null }> {
  let tokens = tokenStore.get();
  let res = await send('GET', path, {}, tokens?.accessToken);
  if (res.status === 401 && tokens) {
    const problem = await readProblem(res.clone());
    if (problem.code === 'ACCESS_TOKEN_INVALID') {
      tokens = await refreshOnce(tokens.refreshToken);
      if (tokens) res = await send('GET', path, {}, tokens.accessToken);
    }
  }
  if (!res.ok) throw await toApiError(res);
  const disposition = res.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null;
  return { blob: await res.blob(), filename };
}

async function send(method: string, path: string, opts: RequestOptions, accessToken?: string) {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': language === 'zh' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en,zh-CN;q=0.5',
  };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK_ERROR', {
      zh: '网络连接失败，请检查网络后重试',
      en: 'Network error, please check your connection and try again',
    });
  }
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = API_BASE + path;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

let refreshing: Promise<TokenPair | null> | null = null;

/** One refresh at a time: parallel 401s share it, since a refresh token is spent when used. */
function refreshOnce(refreshToken: string): Promise<TokenPair | null> {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await send('POST', '/auth/refresh', { body: { refreshToken } });
        if (!res.ok) {
          tokenStore.set(null);
          return null;
        }
        const next = (await res.json()) as TokenPair;
        tokenStore.set(next);
        return next;
      } catch {
        return null;
      } finally {
        setTimeout(() => (refreshing = null), 0);
      }
    })();
  }
  return refreshing;
}

interface ProblemBody {
  code?: string;
  message?: Partial<LocalizedText> | string;
  detail?: string;
  details?: unknown;
}

async function readProblem(res: Response): Promise<{ code: string; body: ProblemBody }> {
  try {
    const body = (await res.json()) as ProblemBody;
    return { code: body.code ?? '', body };
  } catch {
    return { code: '', body: {} };
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const { code, body } = await readProblem(res);
  const msg = body.message;
  const fallback = statusText(res.status);
  const messages: LocalizedText =
    typeof msg === 'object' && msg
      ? { zh: msg.zh ?? msg.en ?? fallback.zh, en: msg.en ?? msg.zh ?? fallback.en }
      : typeof msg === 'string'
        ? { zh: msg, en: msg }
        : body.detail
          ? { zh: fallback.zh, en: body.detail }
          : fallback;
  return new ApiError(res.status, code || `HTTP_${res.status}`, messages, body.details);
}

function statusText(status: number): LocalizedText {
  if (status === 401) return { zh: '请先登录', en: 'Please log in first' };
  if (status === 403) return { zh: '无权执行此操作', en: 'You are not allowed to do this' };
  if (status === 404) return { zh: '内容不存在或暂未开放', en: 'Not found or not available yet' };
  if (status === 429) return { zh: '请求过于频繁，请稍后再试', en: 'Too many requests, try again later' };
  if (status >= 500) return { zh: '系统繁忙，请稍后再试', en: 'Service busy, please try again later' };
  return { zh: '请求失败', en: 'Request failed' };
}

/** A stable key for an operation a user may repeat (double tap, retry after a timeout). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
