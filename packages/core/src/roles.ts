/**
 * Role matching: from IdP groups (and roles the IdP states) to the host app's roles.
 *
 * @module
 */
import { foldCase, isAscii } from './fold.ts';
import { assertNonEmptyString, assertObject, codedTypeError } from './internal/assert.ts';
import type { RoleDefinition } from './types.ts';

/**
 * An explicit rule that grants `role` to every IdP group it matches.
 * - `exact`: the group equals `pattern`.
 * - `glob`: `*` matches any run of characters, `?` one character; the whole group must match.
 * - `regex`: a JavaScript regular expression (Unicode mode) that must match the *whole* group: it is
 *   anchored for you, so `admin` never matches `not-admin`.
 */
export interface RoleRule {
  match: 'exact' | 'glob' | 'regex';
  pattern: string;
  role: string;
  /**
   * Compare case-insensitively: ASCII letters only (core's `foldCase`); a group with any other
   * character must match case-sensitively. Default: `false`.
   */
  caseInsensitive?: boolean;
}

/** Options of {@link compileRoleMatcher} and {@link matchRoles}. */
export interface RoleMatchingOptions {
  /**
   * The app's roles. Names are unique. Their order is the tie-break: when several roles match,
   * `primaryRole` is the one listed first, so list the most privileged first. Default: none.
   */
  roleDefinitions?: readonly RoleDefinition[];
  /** Explicit rules, on top of name matching. Default: none. */
  rules?: readonly RoleRule[];
  /**
   * Arthur's rule: an IdP group grants the role of the same name. Default: `true`.
   */
  matchGroupNames?: boolean;
  /**
   * Compare group and role names case-insensitively for name matching: ASCII letters only, so a
   * look-alike such as the Kelvin sign never folds into a role's name. Default: `false`.
   */
  caseInsensitive?: boolean;
  /** Granted when nothing matched. Must be one of `roleDefinitions` when those are given. Default: none. */
  defaultRole?: string;
}

/** How one group matched one role. */
export interface RoleMatchEntry {
  group: string;
  role: string;
  /** `name` for Arthur's same-name rule, otherwise the kind of the rule and its index in `rules`. */
  via: 'name' | 'exact' | 'glob' | 'regex';
  ruleIndex?: number;
}

/** The outcome of role matching. */
export interface RoleMatch {
  /**
   * Every role granted, without duplicates. Ordered by position in `roleDefinitions`, then (for roles
   * not defined there) by first match. `[defaultRole]` when nothing matched and a default is set.
   */
  roles: string[];
  /** `roles[0]`: the single role for apps that give a user one role. `undefined` when none. */
  primaryRole: string | undefined;
  /** Every (group, role) match, in input order. */
  matches: RoleMatchEntry[];
  /** The input groups that matched no role, in input order. */
  unmatchedGroups: string[];
  /** Whether `defaultRole` was applied because nothing matched. */
  defaultApplied: boolean;
  /**
   * Matches dropped because the login's connection may not grant their role (`grantedBy`): what this
   * IdP claimed and the host did not allow it to. Empty without a connection in the context.
   */
  refused: RoleMatchEntry[];
}

/** What a match is for: the connection whose IdP sent the groups. */
export interface RoleMatchContext {
  /**
   * The login's connection. With it, only roles whose definition's `grantedBy` holds the connection's
   * id (or `'*'`) are granted; the others are `refused`. Without it (a bearer token of an API the host
   * configured, a direct call) every match counts.
   */
  connection?: { id: string };
}

/** A compiled role matcher; compile once per configuration, match on every login. */
export interface RoleMatcher {
  /** Matches IdP group (or role) names. Duplicates in the input are matched once. */
  match(groups: readonly string[], context?: RoleMatchContext): RoleMatch;
  /** The role definitions, in priority order. */
  readonly roleDefinitions: readonly RoleDefinition[];
}

interface CompiledRule {
  index: number;
  kind: 'glob' | 'regex';
  regex: RegExp;
  /** For a case-insensitive rule, the case-sensitive form, used for names that are not all ASCII. */
  exactCase?: RegExp;
  role: string;
}

/**
 * Validates the options and compiles them into a {@link RoleMatcher}. Throws a `TypeError`
 * (`ERR_INVALID_ARG_VALUE`) naming the option for duplicate role names, a rule or default naming an
 * undefined role, or an invalid pattern.
 *
 * @example
 * ```ts
 * import { compileRoleMatcher } from '@ssokit/core';
 *
 * const matcher = compileRoleMatcher({
 *   roleDefinitions: [{ name: 'admin' }, { name: 'engineer' }, { name: 'viewer' }],
 *   rules: [{ match: 'glob', pattern: 'eng-*', role: 'engineer' }],
 *   defaultRole: 'viewer',
 * });
 * matcher.match(['eng-ml', 'admin']).roles; // ['admin', 'engineer']
 * matcher.match(['sales']).roles; // ['viewer']
 * ```
 */
export function compileRoleMatcher(options: RoleMatchingOptions = {}): RoleMatcher {
  assertObject(options, 'options');
  const definitions = [...(options.roleDefinitions ?? [])];
  const caseInsensitive = options.caseInsensitive === true;
  const fold = (s: string) => (caseInsensitive ? foldCase(s) : s);

  const priority = new Map<string, number>();
  const byName = new Map<string, string>();
  const grants = new Map<string, ReadonlySet<string>>();
  definitions.forEach((definition, index) => {
    assertObject(definition, `options.roleDefinitions[${index}]`);
    assertNonEmptyString(definition.name, `options.roleDefinitions[${index}].name`);
    const key = fold(definition.name);
    if (byName.has(key)) {
      throw codedTypeError(
        `"options.roleDefinitions[${index}].name" repeats the role "${definition.name}"; role names must be unique.`,
        'ERR_INVALID_ARG_VALUE',
      );
    }
    byName.set(key, definition.name);
    priority.set(definition.name, index);
    if (definition.grantedBy !== undefined) {
      if (
        !Array.isArray(definition.grantedBy) ||
        !definition.grantedBy.every((g) => typeof g === 'string' && g !== '')
      )
        throw codedTypeError(
          `"options.roleDefinitions[${index}].grantedBy" must be a list of connection ids, or ['*'] for every connection.`,
          'ERR_INVALID_ARG_VALUE',
        );
      grants.set(definition.name, new Set(definition.grantedBy));
    }
  });
  /**
   * Whether `connection` may grant `role`: its id is in the role's `grantedBy`, or `'*'` is. Ids only:
   * a name can be edited through the admin API, a grant made in code must not move with it.
   */
  const grantable = (role: string, connection: { id: string }) => {
    const allowed = grants.get(role);
    return allowed !== undefined && (allowed.has('*') || allowed.has(connection.id));
  };

  const requireDefined = (role: string, path: string) => {
    if (definitions.length > 0 && !priority.has(role)) {
      throw codedTypeError(
        `"${path}" names the role "${role}", which is not in "options.roleDefinitions".`,
        'ERR_INVALID_ARG_VALUE',
      );
    }
  };

  const exact = new Map<string, { role: string; index: number }[]>();
  const exactFolded = new Map<string, { role: string; index: number }[]>();
  const patterns: CompiledRule[] = [];
  (options.rules ?? []).forEach((rule, index) => {
    const path = `options.rules[${index}]`;
    assertObject(rule, path);
    assertNonEmptyString(rule.pattern, `${path}.pattern`);
    assertNonEmptyString(rule.role, `${path}.role`);
    requireDefined(rule.role, `${path}.role`);
    if (rule.match === 'exact') {
      const target = rule.caseInsensitive ? exactFolded : exact;
      const key = rule.caseInsensitive ? foldCase(rule.pattern) : rule.pattern;
      target.set(key, [...(target.get(key) ?? []), { role: rule.role, index }]);
    } else if (rule.match === 'glob' || rule.match === 'regex') {
      const source = rule.match === 'glob' ? globToRegexSource(rule.pattern) : rule.pattern;
      let regex: RegExp;
      try {
        regex = new RegExp(`^(?:${source})$`, rule.caseInsensitive ? 'iu' : 'u');
      } catch (cause) {
        throw Object.assign(
          codedTypeError(
            `"${path}.pattern" is not a valid regular expression: ${(cause as Error).message}`,
            'ERR_INVALID_ARG_VALUE',
          ),
          { cause },
        );
      }
      patterns.push({
        index,
        kind: rule.match,
        regex,
        ...(rule.caseInsensitive ? { exactCase: new RegExp(`^(?:${source})$`, 'u') } : {}),
        role: rule.role,
      });
    } else {
      throw codedTypeError(`"${path}.match" must be "exact", "glob" or "regex".`, 'ERR_INVALID_ARG_VALUE');
    }
  });

  if (options.defaultRole !== undefined) {
    assertNonEmptyString(options.defaultRole, 'options.defaultRole');
    requireDefined(options.defaultRole, 'options.defaultRole');
  }
  const matchGroupNames = options.matchGroupNames !== false;
  const defaultRole = options.defaultRole;

  return {
    roleDefinitions: definitions,
    match(groups, context = {}) {
      const matches: RoleMatchEntry[] = [];
      const refused: RoleMatchEntry[] = [];
      const unmatchedGroups: string[] = [];
      const firstSeen = new Map<string, number>();
      const { connection } = context;
      const grant = (entry: RoleMatchEntry) => {
        if (connection && !grantable(entry.role, connection)) {
          refused.push(entry);
          return;
        }
        matches.push(entry);
        if (!firstSeen.has(entry.role)) firstSeen.set(entry.role, firstSeen.size);
      };
      const done = new Set<string>();
      for (const group of groups) {
        if (done.has(group)) continue;
        done.add(group);
        const before = matches.length + refused.length;
        if (matchGroupNames) {
          const role = byName.get(fold(group));
          if (role !== undefined) grant({ group, role, via: 'name' });
        }
        const exactHits = exact.size > 0 ? exact.get(group) : undefined;
        if (exactHits)
          for (const hit of exactHits) grant({ group, role: hit.role, via: 'exact', ruleIndex: hit.index });
        const foldedHits = exactFolded.size > 0 ? exactFolded.get(foldCase(group)) : undefined;
        if (foldedHits)
          for (const hit of foldedHits) grant({ group, role: hit.role, via: 'exact', ruleIndex: hit.index });
        const ascii = isAscii(group);
        for (const rule of patterns) {
          if ((ascii ? rule.regex : (rule.exactCase ?? rule.regex)).test(group))
            grant({ group, role: rule.role, via: rule.kind, ruleIndex: rule.index });
        }
        if (matches.length + refused.length === before) unmatchedGroups.push(group);
      }
      const rank = (role: string) => priority.get(role) ?? definitions.length + (firstSeen.get(role) ?? 0);
      let roles = [...firstSeen.keys()].sort((a, b) => rank(a) - rank(b));
      const defaultApplied = roles.length === 0 && defaultRole !== undefined;
      if (defaultApplied) roles = [defaultRole as string];
      return { roles, primaryRole: roles[0], matches, unmatchedGroups, defaultApplied, refused };
    },
  };
}

/**
 * Matches IdP groups to roles in one call; prefer {@link compileRoleMatcher} when matching repeatedly.
 *
 * @example
 * ```ts
 * import { matchRoles } from '@ssokit/core';
 *
 * // Arthur's rule: a group grants the role of the same name.
 * matchRoles(['idp-admin', 'org-1-model-owner'], { roleDefinitions: [{ name: 'idp-admin' }] });
 * // → { roles: ['idp-admin'], unmatchedGroups: ['org-1-model-owner'], ... }
 * ```
 */
export function matchRoles(groups: readonly string[], options: RoleMatchingOptions = {}): RoleMatch {
  return compileRoleMatcher(options).match(groups);
}

function globToRegexSource(glob: string): string {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += char.replace(/[\\^$.|+()[\]{}/]/g, '\\$&');
  }
  return source;
}
