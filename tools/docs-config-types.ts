/**
 * The JSDoc of a TypeScript type's properties, by dotted path (`oidc.clientId`), for
 * tools/docs-config-reference.ts: where a JSON Schema field has no description, the property of the
 * type the schema describes has one. Unions are read member by member (`Connection` is
 * `OidcConnection | SamlConnection`), optional and `Partial<>` properties through to their type, and
 * lists through to their items.
 */
import ts from 'typescript';
import { compilerOptions, entryPoints } from './docs-exports.ts';

/** Dotted property path → its JSDoc text. */
export type FieldDocs = Map<string, string>;

/** The JSDoc of every property of `typeName`, exported by the package entry point `module`. */
export function typeDocs(root: string, module: string, typeName: string): FieldDocs {
  const entry = entryPoints(root).find((e) => e.specifier === module);
  if (!entry) throw new Error(`docs-config-types: no entry point ${module}.`);
  const program = ts.createProgram({
    rootNames: [entry.file],
    options: compilerOptions(root),
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry.file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === typeName);
  if (!exported) throw new Error(`docs-config-types: ${module} exports no ${typeName}.`);
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const docs: FieldDocs = new Map();
  const seen = new Set<ts.Type>();
  const visit = (type: ts.Type, prefix: string, depth: number) => {
    if (depth > 6 || seen.has(type)) return;
    seen.add(type);
    for (const member of type.isUnion() ? type.types : [type]) {
      const element = checker.isArrayType(member)
        ? checker.getTypeArguments(member as ts.TypeReference)[0]
        : member;
      if (!element || !(element.flags & ts.TypeFlags.Object)) continue;
      for (const property of checker.getPropertiesOfType(element)) {
        const path = prefix ? `${prefix}.${property.name}` : property.name;
        const text = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
        if (text && !docs.has(path)) docs.set(path, text);
        const propertyType = checker.getNonNullableType(checker.getTypeOfSymbol(property));
        if (!isBuiltIn(propertyType)) visit(propertyType, path, depth + 1);
      }
    }
    seen.delete(type);
  };
  visit(checker.getDeclaredTypeOfSymbol(symbol), '', 0);
  return docs;
}

/** Strings, numbers, dates and functions: their members are not fields. */
function isBuiltIn(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.every(isBuiltIn);
  if (!(type.flags & ts.TypeFlags.Object)) return true;
  const name = type.getSymbol()?.getName();
  return name === 'Date' || name === 'RegExp' || type.getCallSignatures().length > 0;
}
