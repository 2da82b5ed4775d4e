/**
 * The role catalog: the role definitions every login, session and permission question reads, and
 * where each comes from. Three places define roles:
 *
 * - `code`: `createSso({ roles: { roleDefinitions } })`, fixed for the life of the process;
 * - `file`: `createSso({ roleFiles })` (Arthur's `globalRoleDefs`), applied to the role store
 *   (`storage.roles.applyFromFile`) once per instance, idempotently, and marked as the file's;
 * - `api`: roles created through the admin API (`/admin/roles`) or the store itself.
 *
 * Code roles come first, then the store's in its order (role matching's tie-break). A stored role that
 * shares a code role's name is left out (the code wins) and warned about. The snapshot is reused until
 * it is older than `roleCacheMs`; the admin API reloads it after each write; a reload that finds the same roles
 * keeps the same lists, so what is indexed per list (authorization.ts) stays indexed.
 *
 * @module
 */
import {
  compileRoleMatcher,
  foldCase,
  isSsoError,
  type RoleDefinition,
  type RoleMatcher,
  type RoleMatchingOptions,
  type SsoWarningCode,
} from '@ssokit/core';
import type { RoleStore, StoredRole } from '@ssokit/storage';
import type { PermissionPolicy } from './authorization.ts';

/** Where a role of the catalog comes from. */
export interface RoleOrigin {
  source: 'code' | 'file' | 'api';
  /** The file (`roleFiles[].origin`) of a `file` role. */
  origin?: string;
  /** For stored roles: the store's stamps. */
  createdAt?: Date;
  updatedAt?: Date;
}

/** One version of the catalog. */
export interface RoleSnapshot {
  readonly definitions: readonly RoleDefinition[];
  readonly matcher: RoleMatcher;
  /** By role name, as defined. */
  readonly origins: ReadonlyMap<string, RoleOrigin>;
}

/** A role file as `createSso({ roleFiles })` takes it. */
export interface RoleFile {
  /** A stable label of the file (`'oidc.yaml'`), 1 to 255 characters: it decides which roles the file owns. */
  origin: string;
  roles: readonly RoleDefinition[];
}

export interface RoleCatalog {
  /** The latest snapshot, without waiting (what synchronous questions such as `sso.can` read). */
  current(): RoleSnapshot;
  /**
   * The snapshot, reloaded first when it is stale; `fresh` reloads whatever its age, after any reload
   * already under way (which may have read the store before a write this caller just made).
   */
  load(options?: { fresh?: boolean }): Promise<RoleSnapshot>;
  /** Starts a reload in the background when the snapshot is stale (for synchronous readers). */
  touch(): void;
  /**
   * Applies the role files and loads the store, failing on what `load` only warns about: a file's
   * role whose name an API role has. For `sso.ready()`.
   */
  ready(): Promise<void>;
  /** The role store roles are written to, or `undefined` (no store, or the host's own matcher decides). */
  readonly store: RoleStore | undefined;
  /** The host's matching options (`undefined` with the host's own matcher). */
  readonly matching: RoleMatchingOptions | undefined;
  /** What permission questions need besides the definitions (`defaultRole`). */
  readonly policy: PermissionPolicy;
}

interface CatalogOptions {
  /** `createSso`'s `roles` and the matcher compiled from it at start-up (options-check.ts). */
  given: RoleMatcher | RoleMatchingOptions | undefined;
  compiled: RoleMatcher;
  store: RoleStore | undefined;
  files: readonly RoleFile[];
  cacheMs: number;
  clock: () => number;
  warn: (code: SsoWarningCode, message: string, details: Record<string, unknown>, once?: string) => void;
}

const isMatcher = (roles: unknown): roles is RoleMatcher =>
  typeof (roles as RoleMatcher | undefined)?.match === 'function';

/** Builds the catalog; reads nothing until the first `load`. */
export function createRoleCatalog(options: CatalogOptions): RoleCatalog {
  const { given, compiled, files, cacheMs, clock, warn } = options;
  if (isMatcher(given)) {
    // The host's own matcher decides alone: its definitions as it gives them now, nothing stored.
    return fixedCatalog(() => snapshotOf(given.roleDefinitions ?? NONE, given), undefined);
  }
  const matching: RoleMatchingOptions = given ?? {};
  const code = matching.roleDefinitions ?? [];
  const codeNames = new Set(code.map((r) => foldCase(r.name)));
  const fileRoles = files.flatMap((file) => file.roles.map((role) => ({ role, origin: file.origin })));
  const build = (roles: { role: RoleDefinition; origin: RoleOrigin }[]): RoleSnapshot => {
    const kept = roles.filter(({ role }) => {
      if (!codeNames.has(foldCase(role.name))) return true;
      warn(
        'role-shadowed',
        `The stored role "${role.name}" has the name of a role defined in code (createSso({ roles })), which wins: delete the stored one (storage.roles.delete(name)) or rename the code's.`,
        { role: role.name },
        foldCase(role.name),
      );
      return false;
    });
    if (kept.length === 0) return codeOnly;
    const definitions = [...code, ...kept.map((k) => k.role)];
    const defined = new Set(definitions.map((r) => r.name));
    // Without definitions in code, rules and defaultRole may name roles nothing defines (core allows
    // it): they stay grantable by every connection, as they were before any role was stored.
    const named = code.length > 0 ? [] : [...(matching.rules ?? []).map((r) => r.role), matching.defaultRole];
    for (const name of new Set(named))
      if (name !== undefined && !defined.has(name)) {
        definitions.push({ name, grantedBy: ['*'] });
        defined.add(name);
      }
    const origins = new Map<string, RoleOrigin>(code.map((r) => [r.name, { source: 'code' }]));
    for (const { role, origin } of kept) origins.set(role.name, origin);
    for (const role of definitions) if (!origins.has(role.name)) origins.set(role.name, { source: 'code' });
    try {
      return {
        definitions,
        matcher: compileRoleMatcher({ ...matching, roleDefinitions: definitions }),
        origins,
      };
    } catch (error) {
      // Stored roles the host's matching options cannot take: the code's roles alone count.
      warn(
        'role-store-unavailable',
        `The stored roles cannot be used with createSso's roles option (${(error as Error).message}); only the roles defined in code count until that is fixed.`,
        {},
        'compile',
      );
      return codeOnly;
    }
  };
  const codeOnly: RoleSnapshot = {
    definitions: code,
    matcher: compiled,
    origins: new Map(code.map((r) => [r.name, { source: 'code' as const }])),
  };
  const store = options.store;
  // Without a role store, the files' roles count as they are written.
  if (!store) {
    const written = build(
      fileRoles.map(({ role, origin }) => ({ role, origin: { source: 'file', origin } })),
    );
    return fixedCatalog(() => written, matching);
  }

  // Until the store is first read (`sso.ready()`, a login, a session read), only code's roles count.
  let snapshot = codeOnly;
  let fingerprint: string | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let filesApplied = files.length === 0;
  let fileError: unknown;
  let inFlight: Promise<RoleSnapshot> | undefined;

  const applyFiles = async () => {
    for (const file of files) {
      try {
        await store.applyFromFile(file.roles, file.origin);
      } catch (error) {
        // Another instance applying the same file at the same moment: read again, then it is unchanged.
        if (!isSsoError(error) || error.code !== 'storage_conflict') throw error;
        try {
          await store.applyFromFile(file.roles, file.origin);
        } catch (again) {
          if (!isSsoError(again) || again.code !== 'storage_conflict') throw again;
          fileError = again;
          warn(
            'role-file-conflict',
            `The roles of "${file.origin}" were not applied: ${again.message} Rename or delete the role created through the admin API, or rename it in the file.`,
            { origin: file.origin },
            file.origin,
          );
        }
      }
    }
    filesApplied = true;
  };
  const reload = async (): Promise<RoleSnapshot> => {
    if (!filesApplied) {
      fileError = undefined;
      await applyFiles();
    }
    const started = clock();
    const stored = await store.list();
    const print = fingerprintOf(stored);
    if (print !== fingerprint) {
      snapshot = build(stored.map((role) => ({ role: definitionOf(role), origin: originOf(role) })));
      fingerprint = print;
    }
    loadedAt = started;
    return snapshot;
  };
  const stale = () => clock() - loadedAt >= cacheMs;
  // Stored roles older than this are not used: a store that cannot be read takes no deleted role back.
  const ceiling = Math.max(10 * cacheMs, 60_000);
  const current = (): RoleSnapshot => {
    if (clock() - loadedAt <= ceiling) return snapshot;
    if (loadedAt !== Number.NEGATIVE_INFINITY)
      warn(
        'role-store-unavailable',
        `The role store has not been read for over ${Math.round(ceiling / 1000)} s; only the roles defined in code count until it answers.`,
        {},
        'stale',
      );
    return codeOnly;
  };
  const load = async (fresh = false): Promise<RoleSnapshot> => {
    if (!fresh && !stale()) return snapshot;
    if (fresh && inFlight) await inFlight.catch(() => undefined);
    inFlight ??= reload().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  return {
    current,
    load: (opts) => load(opts?.fresh === true),
    touch() {
      // A failure here surfaces at the next awaited load (a session read, a login), which retries.
      if (stale()) load().catch(() => undefined);
    },
    async ready() {
      filesApplied = files.length === 0;
      await load(true);
      if (fileError) throw fileError;
    },
    store,
    matching,
    policy: { defaultRole: matching.defaultRole },
  };
}

/** A catalog nothing is stored in: `snapshot` answers (the host's matcher may change its definitions). */
function fixedCatalog(snapshot: () => RoleSnapshot, matching: RoleMatchingOptions | undefined): RoleCatalog {
  return {
    current: snapshot,
    load: async () => snapshot(),
    touch: () => undefined,
    ready: async () => undefined,
    store: undefined,
    matching,
    policy: { defaultRole: matching?.defaultRole },
  };
}

const NONE: readonly RoleDefinition[] = Object.freeze([]);

/** The snapshot of the host's own matcher: every role is code's. */
function snapshotOf(definitions: readonly RoleDefinition[], matcher: RoleMatcher): RoleSnapshot {
  return {
    definitions,
    matcher,
    get origins() {
      return new Map(definitions.map((r) => [r.name, { source: 'code' as const }]));
    },
  };
}

/** A stored role as a definition: the store's fields left out. */
function definitionOf(role: StoredRole): RoleDefinition {
  const { source: _s, origin: _o, createdAt: _c, updatedAt: _u, ...definition } = role;
  return definition;
}

function originOf(role: StoredRole): RoleOrigin {
  return {
    source: role.source,
    ...(role.origin !== undefined ? { origin: role.origin } : {}),
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
  };
}

/** What identifies a version of the stored roles: names, order and stamps (every write moves a stamp). */
function fingerprintOf(roles: readonly StoredRole[]): string {
  return roles.map((r) => `${r.name}\u0000${r.updatedAt.getTime()}`).join('\u0001');
}
