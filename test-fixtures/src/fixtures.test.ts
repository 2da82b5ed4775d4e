import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { discoveryDocument, fixtureBytes, fixturesRoot, idpMetadataXml, listFixtures } from './index.ts';

const sources = readFileSync(`${fixturesRoot}SOURCES.md`, 'utf8');
const sharedFixtures = new URL('../../../shared/fixtures/', import.meta.url);

describe('test fixtures', () => {
  it('documents every file in SOURCES.md, and every documented file exists', () => {
    for (const [kind, ext] of [
      ['discovery', 'json'],
      ['idp-metadata', 'xml'],
    ] as const) {
      const files = listFixtures(kind).map((name) => `${name}.${ext}`);
      const section = sources.split(`## ${kind}/`)[1]?.split('\n## ')[0] ?? '';
      const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
      expect(files.sort(), kind).toEqual(documented.sort());
    }
  });

  it('parses every discovery document, each with the members an RP needs', () => {
    expect(listFixtures('discovery')).toHaveLength(10);
    for (const name of listFixtures('discovery')) {
      const doc = discoveryDocument(name);
      for (const key of ['issuer', 'authorization_endpoint', 'jwks_uri'])
        expect(typeof doc[key], `${name}.${key}`).toBe('string');
    }
    expect(discoveryDocument('entra-common-v2').issuer).toBe(
      'https://login.microsoftonline.com/{tenantid}/v2.0',
    );
  });

  it('loads every IdP metadata file with an entity descriptor, keeping the BOM and leading comments', () => {
    expect(listFixtures('idp-metadata')).toHaveLength(13);
    for (const name of listFixtures('idp-metadata')) {
      expect(idpMetadataXml(name), name).toMatch(/<(md:)?Entit(y|ies)Descriptor[\s>]/);
    }
    expect(idpMetadataXml('entra-1').charCodeAt(0)).toBe(0xfeff);
    expect(idpMetadataXml('auth0-1').trimStart().startsWith('<!--')).toBe(true);
  });

  it.runIf(existsSync(sharedFixtures))('keeps byte-identical copies of ../shared/fixtures', () => {
    for (const kind of ['discovery', 'idp-metadata'] as const) {
      for (const name of listFixtures(kind)) {
        const ext = kind === 'discovery' ? 'json' : 'xml';
        expect(
          fixtureBytes(kind, name).equals(readFileSync(new URL(`${kind}/${name}.${ext}`, sharedFixtures))),
          name,
        ).toBe(true);
      }
    }
  });

  it('names unknown fixtures in its error', () => {
    expect(() => discoveryDocument('nope')).toThrow(/Known: auth0, auth0-2/);
  });
});
