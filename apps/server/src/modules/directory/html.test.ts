import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeHtml } from './html.js';
import { pinyinInitials } from './pinyin.js';

describe('rich text sanitising', () => {
  it('keeps the formatting an editor produces', () => {
    const html =
      '<h3>标题</h3><p style="text-align: center">正文<strong>加粗</strong><br>换行</p>' +
      '<ul><li>一</li></ul><table><tbody><tr><td colspan="2">格</td></tr></tbody></table>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it.each([
    ['<script>alert(1)</script>ok', 'ok'],
    ['<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok', 'ok'],
    ['<img src=x onerror=alert(1)>', '<img src="x">'],
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="jav&#x61;script:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="java\tscript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="javascript&colon;alert(1)">x</a>', '<a>x</a>'],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
    ['<svg onload=alert(1)><circle/></svg>ok', 'ok'],
    ['<iframe src="https://evil.example"></iframe>ok', 'ok'],
    ['<p style="background:url(javascript:alert(1))">x</p>', '<p>x</p>'],
    ['<div title="a" onmouseover="x()">d</div>', '<div title="a">d</div>'],
    [
      '<p title="&quot;><script>alert(1)</script>">x</p>',
      '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
    ],
    ['1 < 2 && 3 > 2', '1 &lt; 2 &amp;&amp; 3 &gt; 2'],
    ['<!-- <script>alert(1)</script> -->ok', 'ok'],
    ['<unknown>text</unknown>', 'text'],
    ['<<script>script>alert(1)<</script>/script>', '&lt;/script&gt;'],
  ])('neutralises %s', (input, expected) => {
    expect(sanitizeHtml(input)).toBe(expected);
  });

  it('gives plain text for summaries', () => {
    expect(htmlToText('<p>第一段</p><p>第二&amp;段</p>')).toBe('第一段 第二&段');
  });
});

describe('pinyin initials', () => {
  it('stores every reading of a polyphone, the likely one first', () => {
    const v = pinyinInitials('重组人胰岛素注射液').split(' ');
    expect(v[0]).toBe('zzrydszsy');
    expect(v).toContain('czrydszsy');
  });

  it('keeps letters and digits and drops punctuation', () => {
    expect(pinyinInitials('CT平扫').split(' ')[0]).toBe('ctps');
    expect(pinyinInitials('维生素B1片').split(' ')[0]).toBe('wssb1p');
  });

  it('caps the number of variants for long names full of polyphones', () => {
    const v = pinyinInitials('重重重重重重重重重重重重');
    expect(v.split(' ').length).toBeLessThanOrEqual(32);
  });
});
