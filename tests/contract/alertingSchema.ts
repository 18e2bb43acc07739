/**
 * Validates fake answers of the alerting provisioning API against tests/contract/alerting-addendum.json
 * (our own schema, written from Grafana's source; see ALERTING.md): the schema registered for
 * `METHOD /v1/provisioning/<template path> status`, or a problem when none is registered.
 */
import Ajv from 'ajv';
import { readFileSync } from 'fs';
import path from 'path';

const addendum = JSON.parse(readFileSync(path.join(__dirname, 'alerting-addendum.json'), 'utf8')) as {
  definitions: Record<string, unknown>;
  responses: Record<string, Record<string, unknown>>;
};

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'addendum', definitions: addendum.definitions });

const TEMPLATES = [...new Set(Object.keys(addendum.responses).map((k) => k.split(' ')[1]))];

/** `/api/v1/provisioning/folder/mtt-a/rule-groups/g` → `/v1/provisioning/folder/{folderUid}/rule-groups/{group}`. */
export function addendumPathFor(url: string): string | undefined {
  const segs = url
    .split('?')[0]
    .replace(/^\/api/, '')
    .split('/');
  return TEMPLATES.find((t) => {
    const parts = t.split('/');
    return parts.length === segs.length && parts.every((p, i) => p.startsWith('{') || p === segs[i]);
  });
}

export function alertingContractProblems(method: string, url: string, status: number, body: unknown): string[] {
  const template = addendumPathFor(url);
  const key = `${method} ${template} ${status}`;
  const schema = template ? addendum.responses[key] : undefined;
  if (!schema) {
    return [`${key}: no response registered in alerting-addendum.json`];
  }
  if (!('$ref' in schema) && !('type' in schema)) {
    return body === undefined || body === '' ? [] : [`${key}: expected an empty body, got ${JSON.stringify(body)}`];
  }
  const resolved = JSON.parse(JSON.stringify(schema).replace(/"#\/definitions\//g, '"addendum#/definitions/'));
  const validate = ajv.compile(resolved);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath} ${e.message}`);
}
