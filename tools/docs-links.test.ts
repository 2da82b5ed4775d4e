import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorsOf,
  checkLinks,
  documentationFiles,
  externalProblem,
  formatProblem,
  githubSlug,
  linksOf,
} from './docs-links.ts';

const root = join(import.meta.dirname, '..');
const fence = '```';

describe('the documentation has no broken link', () => {
  it('checks README.md, docs/**, and the packages and examples READMEs', () => {
    const files = documentationFiles(root);
    expect(files).toContain('README.md');
    expect(files).toContain('docs/errors.md');
    expect(files).toContain('packages/core/README.md');
    expect(files.filter((f) => f.startsWith('examples/')).length).toBeGreaterThan(0);
    const problems = checkLinks(root, files).map(formatProblem);
    expect(problems).toEqual([]);
  });
});

describe('docs-links: GitHub anchors', () => {
  it('lower-cases, removes punctuation and makes each space a hyphen', () => {
    expect(githubSlug('Getting started')).toBe('getting-started');
    expect(githubSlug('What `createSso()` checks, and why?')).toBe('what-createsso-checks-and-why');
    expect(githubSlug('A & B')).toBe('a--b');
    expect(githubSlug('Entra ID (multi-tenant)')).toBe('entra-id-multi-tenant');
    expect(githubSlug('invalid_state')).toBe('invalid_state');
    expect(githubSlug('**Bold** and _emphasis_ in [a link](x.md)')).toBe('bold-and-emphasis-in-a-link');
    expect(githubSlug('Über-Konfiguration')).toBe('über-konfiguration');
  });

  it('numbers repeated headings -1, -2 and reads setext headings and HTML ids, not headings in code', () => {
    const text = [
      '# Options',
      '## Options',
      '### Options',
      'Set up',
      '------',
      `${fence}md`,
      '# Not a heading',
      fence,
      '<a id="custom-anchor"></a>',
      '| a | b |',
      '| --- | --- |',
    ].join('\n');
    expect([...anchorsOf(text)]).toEqual(['options', 'options-1', 'options-2', 'set-up', 'custom-anchor']);
  });
});

describe('docs-links: reading links', () => {
  it('finds inline links, images, definitions, autolinks and href, with their lines, outside code', () => {
    const text = [
      'See [the guide](guide.md#install) and ![logo](img/logo.png "Logo").', // 1
      'Inline code is not a link: `[x](nope.md)`.', //                         2
      fence, //                                                                 3
      '[also not](nope.md)', //                                                 4
      fence, //                                                                 5
      '[ref]: <other file.md>', //                                              6
      'Mail <mailto:team@example.com> or <a href="page.md#top">here</a>.', //   7
      'A [link that wraps', //                                                  8
      'over lines](wrapped.md) and [parens](a_(b).md).', //                    9
    ].join('\n');
    expect(linksOf(text)).toEqual([
      { line: 1, target: 'guide.md#install' },
      { line: 1, target: 'img/logo.png' },
      { line: 6, target: 'other file.md' },
      { line: 7, target: 'mailto:team@example.com' },
      { line: 7, target: 'page.md#top' },
      { line: 9, target: 'wrapped.md' },
      { line: 9, target: 'a_(b).md' },
    ]);
  });

  it('accepts well-formed http(s) URLs without fetching them', () => {
    expect(externalProblem('https://openid.net/specs/openid-connect-core-1_0.html#IDToken')).toBeUndefined();
    expect(externalProblem('http://127.0.0.1:8080/realms/demo')).toBeUndefined();
    expect(externalProblem('https://')).toBe('not a well-formed URL');
    expect(externalProblem('https:/example.com')).toBe('the URL has no host');
    expect(externalProblem('https://exa mple.com')).toBe('not a well-formed URL');
    expect(externalProblem('ftp://example.com/file')).toMatch(/"ftp:" is neither/);
    expect(externalProblem('mailto:nobody')).toBe('not a well-formed mailto: address');
  });
});

describe('docs-links: broken links are reported with file and line', () => {
  let fixture = '';
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  };
  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'ssokit-docs-links-'));
    write(
      'README.md',
      [
        '# Project',
        '[guide](docs/guide.md), [install](docs/guide.md#install), [twice](docs/guide.md#faq-1)',
        '[missing file](docs/nope.md)',
        '[missing anchor](docs/guide.md#Install-Steps)',
        '[own heading](#project) [no such heading](#projects)',
        '[root-relative](/docs/guide.md) [source line](src/a.ts#L3) [bad anchor](src/a.ts#top)',
        '[outside](../elsewhere.md) [bad url](https//example.com)',
      ].join('\n'),
    );
    write('docs/guide.md', '# Guide\n\n## Install\n\n## FAQ\n\n## FAQ\n\n[back](../README.md#project)\n');
    write('src/a.ts', 'export {};\n');
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('names each broken target and why', () => {
    expect(checkLinks(fixture).map(formatProblem)).toEqual([
      'README.md:3: docs/nope.md: no such file: docs/nope.md',
      'README.md:4: docs/guide.md#Install-Steps: no heading with the anchor #Install-Steps in docs/guide.md',
      'README.md:5: #projects: no heading with the anchor #projects in README.md',
      'README.md:6: src/a.ts#top: on a file that is not markdown, only #L<line> anchors',
      'README.md:7: ../elsewhere.md: the link leaves the repository',
      'README.md:7: https//example.com: no such file: https/example.com',
    ]);
  });

  it('suggests the anchor that differs only in case', () => {
    write('docs/case.md', '# Case\n[x](guide.md#FAQ)\n');
    expect(checkLinks(fixture, ['docs/case.md']).map(formatProblem)).toEqual([
      'docs/case.md:2: guide.md#FAQ: no heading with the anchor #FAQ in docs/guide.md (did you mean #faq?)',
    ]);
  });
});
