/**
 * One error shape for the whole API: a stable `code`, an HTTP status and a message in
 * Chinese and English. Routes and services throw DomainError; the error handler in app.ts
 * turns it into application/problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly zh: string,
    readonly en: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(en);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, zhWhat: string) =>
  new DomainError(
    `${what.toUpperCase().replace(/\s+/g, '_')}_NOT_FOUND`,
    404,
    `${zhWhat}不存在`,
    `${what} not found`,
  );

export const forbidden = (code = 'FORBIDDEN') =>
  new DomainError(code, 403, '无权执行此操作', 'You are not allowed to do this');

export const unauthenticated = (code = 'UNAUTHENTICATED') =>
  new DomainError(code, 401, '请先登录', 'Please log in first');

export const conflict = (code: string, zh: string, en: string, details?: Record<string, unknown>) =>
  new DomainError(code, 409, zh, en, details);

export const badRequest = (code: string, zh: string, en: string, details?: Record<string, unknown>) =>
  new DomainError(code, 400, zh, en, details);

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  message: { zh: string; en: string };
  requestId?: string;
  details?: unknown;
}

export function toProblem(err: DomainError, requestId?: string): Problem {
  return {
    type: `https://qingnang.dev/problems/${err.code.toLowerCase()}`,
    title: err.code,
    status: err.status,
    code: err.code,
    detail: err.en,
    message: { zh: err.zh, en: err.en },
    requestId,
    details: err.details,
  };
}
