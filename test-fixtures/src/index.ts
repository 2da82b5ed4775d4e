/**
 * Loads the real identity-provider documents kept beside this file (see SOURCES.md for where each one
 * comes from). For tests only: it reads files synchronously from this package's folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder holding the fixture folders and SOURCES.md. */
export const fixturesRoot: string = fileURLToPath(new URL('..', import.meta.url));

/** The kinds of fixture, one folder each. */
export type FixtureKind = 'discovery' | 'idp-metadata';

const folder = (kind: FixtureKind) => `${fixturesRoot}${kind}/`;
const extension: Record<FixtureKind, string> = { discovery: '.json', 'idp-metadata': '.xml' };

/** The fixture names of a kind, without extension, sorted: `['auth0', 'auth0-2', 'cognito', ...]`. */
export function listFixtures(kind: FixtureKind): string[] {
  return readdirSync(folder(kind))
    .filter((file) => file.endsWith(extension[kind]))
    .map((file) => file.slice(0, -extension[kind].length))
    .sort();
}

/** The absolute path of a fixture. */
export function fixturePath(kind: FixtureKind, name: string): string {
  if (!listFixtures(kind).includes(name))
    throw new Error(`No ${kind} fixture named "${name}". Known: ${listFixtures(kind).join(', ')}`);
  return `${folder(kind)}${name}${extension[kind]}`;
}

/** The raw bytes of a fixture (a BOM, where the upstream file has one, is kept). */
export function fixtureBytes(kind: FixtureKind, name: string): Buffer {
  return readFileSync(fixturePath(kind, name));
}

/** An OpenID Connect discovery document, parsed. */
export function discoveryDocument(name: string): Record<string, unknown> {
  return JSON.parse(fixtureBytes('discovery', name).toString('utf8')) as Record<string, unknown>;
}

/** SAML IdP metadata as the text an operator would paste or upload (a leading BOM kept). */
export function idpMetadataXml(name: string): string {
  return fixtureBytes('idp-metadata', name).toString('utf8');
}
