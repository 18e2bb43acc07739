import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { stringify } from 'yaml';

/** A token as tenancy apply makes them: 256 random bits, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A temp directory for identity files, with atomic writes (write + rename, as apply would). */
export function identityFileDir(): {
  file(name: string): string;
  write(name: string, doc: unknown): string;
  remove(): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-identity-'));
  let n = 0;
  return {
    file: (name) => path.join(dir, name),
    write(name, doc) {
      const target = path.join(dir, name);
      const tmp = path.join(dir, `.${name}.${n++}.tmp`);
      writeFileSync(tmp, typeof doc === 'string' ? doc : stringify(doc));
      renameSync(tmp, target);
      return target;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A tokens file document (interfaces.md section 1) from tenant → { values, tokens }. */
export function tokensDoc(tenants: Record<string, { values: string[]; tokens: string[] }>): unknown {
  return {
    tenants: Object.fromEntries(
      Object.entries(tenants).map(([id, t]) => [id, { values: t.values, tokenSha256: t.tokens.map(sha256Hex) }])
    ),
  };
}
