import { pinyin, polyphonic } from 'pinyin-pro';

// A name like 重组人胰岛素 has polyphones (重 zhong/chong); patients type whichever reading they
// know, so every combination is stored. The product grows quickly, so it is capped: past the cap
// the remaining characters keep only their most likely reading.
const MAX_VARIANTS = 32;

/**
 * Every pinyin-initials reading of `text`, most likely first (letters and digits kept, lower case,
 * punctuation dropped), joined with spaces for a `LIKE '%q%'` search.
 */
export function pinyinInitials(text: string): string {
  const chars = [...text];
  const likely = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array' });
  const options = polyphonic(text, { pattern: 'first', toneType: 'none', type: 'array' });
  let variants = [''];
  chars.forEach((ch, i) => {
    const first = normalise(likely[i] ?? ch);
    const all = [first, ...(options[i] ?? []).map(normalise)].filter((v, j, arr) => arr.indexOf(v) === j);
    const use = variants.length * all.length <= MAX_VARIANTS ? all : [first];
    variants = variants.flatMap((v) => use.map((o) => v + o));
  });
  return [...new Set(variants)].filter(Boolean).join(' ');
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** What a search box sends, reduced to what pinyin initials can match ('' when it cannot). */
export function initialsQuery(q: string): string {
  return /^[A-Za-z0-9]+$/.test(q) ? q.toLowerCase() : '';
}
