/**
 * Error catalogues: every error code a module answers, defined once with its HTTP status and its
 * Chinese and English message. The server throws from the definition (never spells a code at the
 * throw site); the web apps can read the same messages and type a problem's `code`.
 */

/** A message, fixed or built from the values the error carries. */
export type ErrorMessage<P> = string | ((params: P) => string);

export interface ErrorDefinition<P = never> {
  status: 400 | 401 | 403 | 404 | 409 | 410 | 422 | 423 | 429;
  zh: ErrorMessage<P>;
  en: ErrorMessage<P>;
}

/** Declares a catalogue; keys are the codes. `as const`-like inference keeps each entry's types. */
export const defineErrorCatalogue = <const T extends Record<string, ErrorDefinition<any>>>(catalogue: T): T =>
  catalogue;

/** The codes of a catalogue, e.g. `ErrorCode<typeof blacklistErrors>`. */
export type ErrorCode<T> = Extract<keyof T, string>;
