// Defends: links written `/\host` (and `\\host`, tab-split schemes) passed the HTML link filter.
import { expect, it } from 'vitest';
import { markdownToHtml } from '../../src/report/index.ts';

it('drops links to another host or scheme however they are spelled, keeps safe ones', () => {
  for (const href of ['/\\evil.example/x', '\\\\\\\\evil.example', '\\\\/evil.example', '//evil.example', 'java\tscript:alert(1)', ' javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x']) {
    const html = markdownToHtml(`[x](<${href}>)`);
    expect(html, href).not.toMatch(/<a /);
  }
  expect(markdownToHtml('[x](https://ok.example/a)')).toContain('<a href="https://ok.example/a">');
  expect(markdownToHtml('[x](#stage)')).toContain('<a href="#stage">');
  expect(markdownToHtml('[x](other/page.html)')).toContain('<a href="other/page.html">');
});
