/**
 * Validates fake responses against ../shared/grafana-api/openapi-subset.json (Swagger 2.0) with
 * ajv: the schema of the matched path + method + status, `$ref`s resolved into `definitions`.
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import { sharedPath } from '../support/shared';

type Schema = Record<string, any>;

const spec = JSON.parse(readFileSync(sharedPath('grafana-api', 'openapi-subset.json'), 'utf8')) as Schema;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['int64', 'int32', 'uint64', 'double', 'float']) {
  ajv.addFormat(f, true);
}

/**
 * Error statuses the handlers return although the Swagger file does not list them; each is a
 * CONTRACT.md fact. Their bodies are checked against ErrorResponseBody.
 */
export const UNDOCUMENTED_STATUSES: Record<string, string> = {
  'POST /orgs/{org_id}/users 409': 'CONTRACT §5.2: "the Swagger file lists no 409 … the handler does return it"',
  'POST /orgs/{org_id}/users 404': 'CONTRACT §5.2: unknown loginOrEmail → 404 User not found',
  'POST /orgs/{org_id}/users 400': 'CONTRACT §5.2: invalid role → 400',
  'GET /orgs/{org_id} 404': 'CONTRACT §4: get by id not found → 404',
  'GET /orgs/name/{org_name} 404': 'CONTRACT §4: get by name not found → 404',
  'GET /orgs 400': 'CONTRACT §4: bad request data',
  'POST /orgs 400': 'CONTRACT §4: body not JSON → 400',
  'GET /datasources/name/{name} 404': 'CONTRACT §7.1: unknown name → 404 Data source not found',
  'PUT /datasources/uid/{uid} 404': 'CONTRACT §7.1: unknown uid (update) → 404',
  'PUT /datasources/uid/{uid} 400': 'CONTRACT §7.1: invalid URL → 400',
  'POST /datasources 400': 'CONTRACT §7.1: invalid URL / name → 400',
  'POST /teams 400': 'empty team name',
  'PUT /teams/{team_id} 400': 'CONTRACT §5.3: update name taken → 400',
  'POST /teams/{team_id}/members 400': 'CONTRACT §5.3: already a member → 400',
  'POST /user/using/{org_id} 401': 'CONTRACT §2.2: non-member → 401 Not a valid organization',
  'GET /search 500': 'CONTRACT §8.4: unknown type → 500 Search failed',
  'GET /search 403': 'no role in the selected org',
  'POST /dashboards/import 403': 'no Editor role in the selected org',
  'POST /dashboards/import 404': 'unknown bundled dashboard path',
  'POST /folders/{folder_uid}/permissions 400': 'invalid permission item',
  'POST /folders 404': 'parent folder not found',
  'PUT /folders/{folder_uid} 412': 'CONTRACT §8.1: update without version → 412 version-mismatch',
  'GET /serviceaccounts/{serviceAccountId}/tokens 404': 'unknown SA',
};

/** `/api/orgs/5/users` → `/orgs/{org_id}/users`; literal segments beat parameters. */
export function specPathFor(path: string): string | undefined {
  const segs = path
    .replace(/^\/api/, '')
    .split('?')[0]
    .replace(/\/+$/, '')
    .split('/');
  let best: { p: string; score: number } | undefined;
  for (const p of Object.keys(spec.paths)) {
    const t = p.split('/');
    if (t.length !== segs.length) {
      continue;
    }
    let score = 0;
    let okMatch = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i].startsWith('{')) {
        continue;
      }
      if (t[i] !== segs[i]) {
        okMatch = false;
        break;
      }
      score++;
    }
    if (okMatch && (!best || score > best.score)) {
      best = { p, score };
    }
  }
  return best?.p;
}

function responseSchema(specPath: string, method: string, status: number): Schema | undefined | null {
  const op = spec.paths[specPath]?.[method.toLowerCase()];
  if (!op) {
    return undefined;
  }
  let resp = op.responses[String(status)];
  if (!resp) {
    return undefined;
  }
  if (resp.$ref) {
    resp = spec.responses[resp.$ref.split('/').pop()];
  }
  return resp.schema ?? null;
}

const cache = new Map<string, ValidateFunction>();

function compile(key: string, schema: Schema): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile({ ...schema, definitions: spec.definitions });
    cache.set(key, v);
  }
  return v;
}

/** Returns the problems of one response (empty when it conforms). */
export function contractProblems(method: string, path: string, status: number, body: unknown): string[] {
  const specPath = specPathFor(path);
  if (!specPath) {
    return [`${method} ${path}: path is not in openapi-subset.json`];
  }
  const key = `${method.toUpperCase()} ${specPath} ${status}`;
  let schema = responseSchema(specPath, method, status);
  if (schema === undefined) {
    if (!(key in UNDOCUMENTED_STATUSES)) {
      return [`${key}: status not documented in openapi-subset.json nor listed in UNDOCUMENTED_STATUSES`];
    }
    schema = { $ref: '#/definitions/ErrorResponseBody' };
  }
  if (schema === null) {
    return [];
  }
  const validate = compile(key, schema);
  if (validate(body)) {
    return [];
  }
  return [`${key}: ${ajv.errorsText(validate.errors)} — body ${JSON.stringify(body).slice(0, 300)}`];
}

export { spec as openapiSpec };
