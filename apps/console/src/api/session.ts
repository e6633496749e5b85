/**
 * Where the console keeps its tokens and the chosen language. No UI here: the API layer reads the
 * language to pick problem messages, and the UI subscribes to session changes.
 */
export type Language = 'zh' | 'en';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const TOKENS_KEY = 'qn.console.tokens';
const LANG_KEY = 'qn.console.lang';

let tokens: Tokens | null = read<Tokens>(TOKENS_KEY);
let language: Language = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';

export interface SessionEnd {
  code: string;
  message: string;
}
type EndListener = (end: SessionEnd) => void;
const endListeners = new Set<EndListener>();

export function getTokens(): Tokens | null {
  return tokens;
}

export function setTokens(next: Tokens | null): void {
  tokens = next;
  if (next) localStorage.setItem(TOKENS_KEY, JSON.stringify(next));
  else localStorage.removeItem(TOKENS_KEY);
}

export function getLanguage(): Language {
  return language;
}

export function setLanguage(lang: Language): void {
  language = lang;
  localStorage.setItem(LANG_KEY, lang);
}

/** Called when the server ends the session (idle timeout, revoked, refresh refused). */
export function onSessionEnded(listener: EndListener): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

let lastEnd: SessionEnd | null = null;

/**
 * Ends the session `used` belonged to. Parallel requests of one page all fail once the session is
 * over: the first ends it, later ones are ignored, except that an idle timeout (the request that
 * revoked the session) explains more than the "session ended" its neighbours see.
 */
export function endSession(end: SessionEnd, used?: Tokens): void {
  const current = tokens;
  if (current && (!used || current.accessToken === used.accessToken)) {
    setTokens(null);
    lastEnd = end;
    for (const l of endListeners) l(end);
    return;
  }
  if (!current && lastEnd && end.code === 'SESSION_IDLE_TIMEOUT' && lastEnd.code !== end.code) {
    lastEnd = end;
    for (const l of endListeners) l(end);
  }
}

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}
