import { ProxyRejection } from '../../rejection';

/** A silence matcher as Alertmanager's API v2 has it (models.Matcher). */
export interface SilenceMatcher {
  name: string;
  value?: unknown;
  isRegex?: unknown;
  /** Absent means true (the OpenAPI default); `false` makes the matcher `!=` or `!~`. */
  isEqual?: unknown;
}

/** The fields of a postable silence the proxy reads, enforces and forwards (models.PostableSilence). */
export interface PostableSilence {
  id?: string;
  matchers: SilenceMatcher[];
  /** startsAt, endsAt, createdBy, comment: forwarded as given; Alertmanager validates them. */
  rest: Record<string, unknown>;
}

const SILENCE_FIELDS = ['id', 'matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'] as const;
const MATCHER_FIELDS = ['name', 'value', 'isRegex', 'isEqual'] as const;

/**
 * The known fields of a JSON object, keys matched case-insensitively with the last match winning, as
 * Go's encoding/json decodes into a struct (prom-label-proxy and Alertmanager both do). Unknown keys
 * are dropped: the forwarded silence is rebuilt from these fields only, so Alertmanager can never
 * read a key the proxy did not (e.g. a second "Name" next to "name").
 */
function knownFields<K extends string>(
  object: Record<string, unknown>,
  fields: readonly K[]
): Partial<Record<K, unknown>> {
  const byLowerCase = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const out: Partial<Record<K, unknown>> = {};
  for (const [key, value] of Object.entries(object)) {
    const field = byLowerCase.get(key.toLowerCase());
    if (field !== undefined) {
      out[field] = value;
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function badSilence(why: string): ProxyRejection {
  return new ProxyRejection(
    400,
    'bad-request',
    `bad request: can't decode the silence: ${why}; send Alertmanager's silence JSON ({"matchers":[{"name":..,"value":..,"isRegex":false}],"startsAt":..,"endsAt":..,"createdBy":..,"comment":..})`
  );
}

/** Decodes a POST /api/v2/silences body; 400 naming the problem when it is not a silence. */
export function decodePostableSilence(text: string): PostableSilence {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badSilence(`the body is not JSON (${(err as Error).message})`);
  }
  if (!isObject(parsed)) {
    throw badSilence('the body is not a JSON object');
  }
  const { id, matchers, ...rest } = knownFields(parsed, SILENCE_FIELDS);
  if (id !== undefined && id !== null && typeof id !== 'string') {
    throw badSilence('"id" is not a string');
  }
  if (matchers !== undefined && matchers !== null && !Array.isArray(matchers)) {
    throw badSilence('"matchers" is not a list');
  }
  const decoded: SilenceMatcher[] = [];
  for (const [i, matcher] of ((matchers as unknown[] | null | undefined) ?? []).entries()) {
    if (!isObject(matcher)) {
      throw badSilence(`matcher #${i + 1} is not an object`);
    }
    const fields = knownFields(matcher, MATCHER_FIELDS);
    if (typeof fields.name !== 'string') {
      throw badSilence(`matcher #${i + 1} has no "name" string`);
    }
    decoded.push({ ...fields, name: fields.name });
  }
  return { id: typeof id === 'string' && id !== '' ? id : undefined, matchers: decoded, rest };
}

/**
 * Whether a stored silence belongs to the tenant value `value`: it has the matcher
 * `label="value"` — equality, not a regex, not negated. Only then does it silence nothing but that
 * tenant's alerts. prom-label-proxy's hasMatcherForLabel ignores `isEqual`, so a silence
 * `label!="value"` (which silences every *other* tenant) would pass there; here it does not.
 */
export function silenceBelongsTo(silence: unknown, label: string, value: string): boolean {
  if (!isObject(silence) || !Array.isArray(silence.matchers)) {
    return false;
  }
  return silence.matchers.some(
    (m) =>
      isObject(m) &&
      m.name === label &&
      m.value === value &&
      m.isRegex === false &&
      (m.isEqual === undefined || m.isEqual === true)
  );
}
