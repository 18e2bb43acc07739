import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingMessage } from 'http';

/** RFC 6750 section 2.1 b64token, bounded so a huge header cannot cost a large hash. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 1024;

export type BearerResult = { token: string } | { problem: string };

/**
 * The bearer token of `Authorization: Bearer <token>`, or why there is none. The scheme is
 * case-insensitive (RFC 9110 section 11.1); the token is taken exactly as sent. Two Authorization
 * lines are a problem, not a choice.
 */
export function bearerToken(headers: IncomingMessage['headersDistinct']): BearerResult {
  const lines = headers.authorization ?? [];
  if (lines.length === 0) {
    return { problem: 'no Authorization header; send "Authorization: Bearer <token>"' };
  }
  if (lines.length > 1) {
    return { problem: `${lines.length} Authorization headers; send exactly one` };
  }
  const m = /^bearer +(\S+) *$/i.exec(lines[0]);
  if (!m) {
    return { problem: 'the Authorization header is not "Bearer <token>"' };
  }
  const token = m[1];
  if (token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    return { problem: 'the bearer token is malformed (RFC 6750 token characters, at most 1024)' };
  }
  return { token };
}

/** SHA-256 of the token's UTF-8 bytes, as the tokens file stores it (interfaces.md section 1). */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Finds the owner of a token digest among known digests. Every entry is compared with
 * crypto.timingSafeEqual and the loop never exits early, so the time taken does not depend on
 * which digest (if any) matched, nor where.
 */
export function matchDigest<T>(digest: Buffer, known: ReadonlyArray<{ digest: Buffer; owner: T }>): T | null {
  let found: T | null = null;
  for (const entry of known) {
    if (timingSafeEqual(digest, entry.digest) && found === null) {
      found = entry.owner;
    }
  }
  return found;
}

/** A lowercase 64-hex SHA-256 digest as bytes; null when the text is not one. */
export function digestFromHex(text: unknown): Buffer | null {
  return typeof text === 'string' && /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
}
