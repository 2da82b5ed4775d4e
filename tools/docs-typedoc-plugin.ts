/**
 * A TypeDoc plugin (typedoc.json `plugin`) that names each module of the API reference after the
 * import specifier a reader types (`@ssokit/server/node`), not after its source folder
 * (`server/src/node`, TypeDoc's default in `resolve` mode). The names come from the packages' exports
 * maps, as the entry points do.
 */
import { join, relative } from 'node:path';
import { type Application, Converter, ReflectionKind } from 'typedoc';
import { entryPoints } from './docs-exports.ts';

/** TypeDoc's default module name of each entry point (`server/src/node`) → its import specifier. */
export function moduleNames(root: string): Map<string, string> {
  const packagesDir = join(root, 'packages');
  return new Map(
    entryPoints(root).map((entry) => [
      relative(packagesDir, entry.file)
        .split('\\')
        .join('/')
        .replace(/(\/index)?\.ts$/, ''),
      entry.specifier,
    ]),
  );
}

export function load(app: Application): void {
  const names = moduleNames(join(import.meta.dirname, '..'));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const name = names.get(reflection.name);
    if (name) reflection.name = name;
  });
}
