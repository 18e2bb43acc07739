import { parse as parseYaml } from 'yaml';
import { parsePolicy, type Policy } from '../../src/policy';
import { digestFromHex } from './bearer';

/**
 * The two files the identity sources read (formats fixed in the helpers' interfaces.md, written
 * by tenancy apply / the GitOps CLI): YAML or JSON of the same shape. Validation is strict and
 * every error names the entry, what is wrong and the fix, because a wrong file must never load.
 */

/** `--tenant-tokens-file`: one entry per digest, so a lookup compares all of them. */
export interface TokensFile {
  entries: ReadonlyArray<{ digest: Buffer; owner: TokenOwner }>;
  tenants: number;
}

/** A tenant entry: tenant values of --label, or (`rules:`) a label policy; exactly one of them. */
export interface TokenOwner {
  tenant: string;
  /** Empty when `policy` is set. */
  values: readonly string[];
  policy?: Policy;
}

/** `--team-mapping-file` (one shared org). */
export interface TeamMappingFile {
  orgId: number;
  /** Grafana→proxy shared secret digests (the data source's `Authorization: Bearer <secret>`). */
  secretDigests: ReadonlyArray<{ digest: Buffer; owner: true }>;
  teams: readonly MappedTeam[];
}

export interface MappedTeam {
  uid: string;
  id: number;
  /** Informational only: names are never matched (team admins can rename, editors create teams). */
  name: string;
  /** Empty when `policy` is set. */
  values: readonly string[];
  policy?: Policy;
}

function load(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) {
    throw new Error('the top level must be a mapping');
  }
  return doc;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(where: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new Error(`${where}: unknown key(s) ${extra.join(', ')}; allowed: ${allowed.join(', ')}`);
  }
}

function tenantValues(where: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || x === '')) {
    throw new Error(`${where}.values must be a non-empty list of non-empty strings (the tenant label values)`);
  }
  return [...new Set(v as string[])];
}

/**
 * An entry's `values` or `rules` (exactly one): the values form means today's one-rule policy on
 * --label; `rules` is a list of selectors (matchers AND, rules OR), checked like --rule.
 */
function valuesOrPolicy(where: string, spec: Record<string, unknown>): { values: readonly string[]; policy?: Policy } {
  if ((spec.values === undefined) === (spec.rules === undefined)) {
    throw new Error(
      `${where}: give exactly one of values (tenant label values) or rules (selectors such as '{tenant="a",env="prod"}')`
    );
  }
  if (spec.values !== undefined) {
    return { values: Object.freeze(tenantValues(where, spec.values)) };
  }
  if (!Array.isArray(spec.rules) || spec.rules.some((r) => typeof r !== 'string')) {
    throw new Error(`${where}.rules must be a non-empty list of selector strings, e.g. ['{tenant="a",env="prod"}']`);
  }
  try {
    return { values: Object.freeze([]), policy: parsePolicy(spec.rules as string[]) };
  } catch (err) {
    throw new Error(`${where}.rules: ${(err as Error).message}`);
  }
}

function digests(where: string, v: unknown, required: boolean): Buffer[] {
  if (!Array.isArray(v) || (required && v.length === 0)) {
    throw new Error(`${where} must be a list of SHA-256 digests (64 lowercase hex characters each)`);
  }
  return v.map((hex, i) => {
    const d = digestFromHex(hex);
    if (!d) {
      throw new Error(
        `${where}[${i}] is not a SHA-256 digest: give 64 lowercase hex characters (sha256 of the token string)`
      );
    }
    return d;
  });
}

export function parseTokensFile(text: string): TokensFile {
  const doc = load(text);
  onlyKeys('the tokens file', doc, ['tenants']);
  if (!isObject(doc.tenants)) {
    throw new Error('"tenants" must be a mapping of tenant id → { values, tokenSha256 }');
  }
  const entries: Array<TokensFile['entries'][number]> = [];
  const seen = new Map<string, string>();
  for (const [tenant, spec] of Object.entries(doc.tenants)) {
    const where = `tenants.${tenant}`;
    if (!isObject(spec)) {
      throw new Error(`${where} must be a mapping { values: [...], tokenSha256: [...] }`);
    }
    onlyKeys(where, spec, ['values', 'rules', 'tokenSha256']);
    const owner: TokenOwner = Object.freeze({ tenant, ...valuesOrPolicy(where, spec) });
    for (const digest of digests(`${where}.tokenSha256`, spec.tokenSha256, false)) {
      const hex = digest.toString('hex');
      const other = seen.get(hex);
      if (other !== undefined) {
        throw new Error(
          `${where}.tokenSha256: digest ${hex.slice(0, 12)}… is also listed under ${other}; a token names one tenant`
        );
      }
      seen.set(hex, where);
      entries.push({ digest, owner });
    }
  }
  return { entries, tenants: Object.keys(doc.tenants).length };
}

export function parseTeamMappingFile(text: string): TeamMappingFile {
  const doc = load(text);
  onlyKeys('the team mapping file', doc, ['orgId', 'dataSourceTokenSha256', 'teams']);
  if (!Number.isSafeInteger(doc.orgId) || (doc.orgId as number) < 1) {
    throw new Error('"orgId" must be the shared org\'s numeric id (the ID token\'s aud is "org:<orgId>")');
  }
  const secretDigests = digests('dataSourceTokenSha256', doc.dataSourceTokenSha256, true).map((digest) => ({
    digest,
    owner: true as const,
  }));
  if (!Array.isArray(doc.teams)) {
    throw new Error('"teams" must be a list of { uid, id, name, values }');
  }
  const ids = new Set<number>();
  const teams = doc.teams.map((t: unknown, i): MappedTeam => {
    const where = `teams[${i}]`;
    if (!isObject(t)) {
      throw new Error(`${where} must be a mapping { uid, id, name, values }`);
    }
    onlyKeys(where, t, ['uid', 'id', 'name', 'values', 'rules']);
    if (!Number.isSafeInteger(t.id) || (t.id as number) < 1) {
      throw new Error(`${where}.id must be the team's numeric id (teams are matched by id and uid, never by name)`);
    }
    if (typeof t.uid !== 'string' || t.uid === '') {
      throw new Error(`${where}.uid must be the team's uid (teams are matched by id and uid, never by name)`);
    }
    if (ids.has(t.id as number)) {
      throw new Error(`${where}: team id ${t.id as number} is listed twice; give each team once with all its values`);
    }
    ids.add(t.id as number);
    return Object.freeze({
      uid: t.uid,
      id: t.id as number,
      name: typeof t.name === 'string' ? t.name : '',
      ...valuesOrPolicy(where, t),
    });
  });
  return { orgId: doc.orgId as number, secretDigests, teams };
}
