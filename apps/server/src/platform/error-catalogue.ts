import type { ErrorDefinition } from '@qingnang/contracts';
import { DomainError } from './errors.js';

type Details = Record<string, unknown>;
type ParamsOf<D> = D extends { zh: (p: infer P) => string }
  ? P
  : D extends { en: (p: infer P) => string }
    ? P
    : never;
type Raiser<D> = [ParamsOf<D>] extends [never]
  ? (details?: Details) => DomainError
  : (params: ParamsOf<D>, details?: Details) => DomainError;

/**
 * Turns a module's error catalogue (packages/contracts) into the functions that build its errors:
 * `errors.RULE_NOT_FOUND()` or, for a message with values, `errors.BANNED({ endsOn }, details)`.
 * The code, status and both messages come from the one definition.
 */
export function raisers<T extends Record<string, ErrorDefinition<any>>>(
  catalogue: T,
): { [K in keyof T]: Raiser<T[K]> } {
  const out: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(catalogue)) {
    const text = (m: ErrorDefinition<any>['zh'], p: unknown) => (typeof m === 'function' ? m(p) : m);
    out[code] =
      typeof def.zh === 'function' || typeof def.en === 'function'
        ? (params: unknown, details?: Details) =>
            new DomainError(code, def.status, text(def.zh, params), text(def.en, params), details)
        : (details?: Details) =>
            new DomainError(code, def.status, text(def.zh, undefined), text(def.en, undefined), details);
  }
  return out as { [K in keyof T]: Raiser<T[K]> };
}
