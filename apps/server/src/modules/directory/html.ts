/**
 * Rich text from the console editor is stored sanitised: the output is rebuilt from tokens, so
 * only whitelisted tags and attributes survive, every text and attribute value is re-escaped,
 * scripts and other active content are dropped with their content, and links and images may
 * only point to http(s), mailto, tel or relative addresses.
 */
export function sanitizeHtml(input: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      out.push(escapeText(input.slice(i)));
      break;
    }
    if (lt > i) out.push(escapeText(input.slice(i, lt)));
    const rest = input.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = input.indexOf('-->', lt + 4);
      i = end < 0 ? input.length : end + 3;
      continue;
    }
    const m = TAG.exec(rest);
    if (!m) {
      out.push('&lt;');
      i = lt + 1;
      continue;
    }
    const [whole, closing, rawName, rawAttrs] = m;
    const name = rawName.toLowerCase();
    i = lt + whole.length;
    if (DROP_WITH_CONTENT.has(name)) {
      if (!closing) {
        const close = new RegExp(`</${name}\\s*>`, 'i').exec(input.slice(i));
        i = close ? i + close.index + close[0].length : input.length;
      }
      continue;
    }
    const allowed = TAGS[name];
    if (!allowed) continue;
    if (closing) {
      if (!VOID.has(name)) out.push(`</${name}>`);
      continue;
    }
    out.push(`<${name}${renderAttributes(name, rawAttrs, allowed)}>`);
  }
  return out.join('');
}

/** Plain text of sanitised HTML, for summaries and search. */
export function htmlToText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

const TAG =
  /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

const COMMON = ['title', 'style'];
const TAGS: Record<string, string[]> = {
  p: COMMON,
  div: COMMON,
  span: COMMON,
  br: [],
  hr: [],
  strong: [],
  b: [],
  em: [],
  i: [],
  u: [],
  s: [],
  sub: [],
  sup: [],
  h1: COMMON,
  h2: COMMON,
  h3: COMMON,
  h4: COMMON,
  h5: COMMON,
  h6: COMMON,
  ul: COMMON,
  ol: COMMON,
  li: COMMON,
  blockquote: COMMON,
  pre: [],
  code: [],
  figure: COMMON,
  figcaption: COMMON,
  table: COMMON,
  thead: [],
  tbody: [],
  tr: [],
  th: ['colspan', 'rowspan', 'style'],
  td: ['colspan', 'rowspan', 'style'],
  a: ['href', 'title', 'target'],
  img: ['src', 'alt', 'title', 'width', 'height', 'style'],
};
const VOID = new Set(['br', 'hr', 'img']);
const DROP_WITH_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'noscript',
  'template',
  'textarea',
  'select',
  'svg',
  'math',
  'head',
  'title',
  'xmp',
  'noembed',
]);
const URL_ATTRS = new Set(['href', 'src']);
const SAFE_STYLE_PROPS = new Set([
  'text-align',
  'color',
  'background-color',
  'font-weight',
  'font-style',
  'font-size',
  'text-decoration',
  'text-indent',
  'line-height',
  'width',
  'height',
  'max-width',
  'margin',
  'padding',
]);

function renderAttributes(tag: string, raw: string, allowed: string[]): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const m of raw.matchAll(ATTR)) {
    const name = m[1].toLowerCase();
    if (!allowed.includes(name) || seen.has(name)) continue;
    seen.add(name);
    let value = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
    if (URL_ATTRS.has(name)) {
      if (!isSafeUrl(value)) continue;
    } else if (name === 'style') {
      value = safeStyle(value);
      if (!value) continue;
    } else if (name === 'target') {
      if (value !== '_blank') continue;
    } else if (['width', 'height', 'colspan', 'rowspan'].includes(name)) {
      if (!/^\d{1,4}(%|px)?$/.test(value)) continue;
    }
    parts.push(` ${name}="${escapeAttribute(value)}"`);
  }
  if (tag === 'a' && seen.has('target')) parts.push(' rel="noopener noreferrer"');
  return parts.join('');
}

function isSafeUrl(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact);
  if (!scheme) return true;
  return ['http', 'https', 'mailto', 'tel'].includes(scheme[1]);
}

function safeStyle(style: string): string {
  return style
    .split(';')
    .map((decl) => {
      const idx = decl.indexOf(':');
      if (idx < 0) return '';
      const prop = decl.slice(0, idx).trim().toLowerCase();
      const value = decl.slice(idx + 1).trim();
      if (!SAFE_STYLE_PROPS.has(prop)) return '';
      if (!/^[#a-zA-Z0-9.,%()\s-]+$/.test(value) || /url|expression|\\/i.test(value)) return '';
      return `${prop}: ${value}`;
    })
    .filter(Boolean)
    .join('; ');
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  colon: ':',
  tab: '\t',
  newline: '\n',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED[ent.toLowerCase()] ?? whole;
  });
}

function escapeText(s: string): string {
  return decodeEntities(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
