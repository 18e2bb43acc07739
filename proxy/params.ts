import type { IncomingMessage } from 'http';
import { ProxyRejection } from './rejection';

/**
 * Request parameters: the URL query and (POST only) the form body, each parsed strictly, so that
 * the request forwarded upstream is rebuilt from these parsed values and never from raw bytes.
 */
export type Params = URLSearchParams;

/**
 * Parses an `application/x-www-form-urlencoded` string (URL query or body). URLSearchParams is
 * lenient (bad `%` escapes stay literal, invalid UTF-8 becomes U+FFFD), which would let the
 * proxy and Prometheus read different values; Go's url.ParseQuery, which Prometheus uses,
 * rejects them. So each piece is first checked with the strict decodeURIComponent.
 */
export function parseFormEncoded(text: string, where: string): Params {
  // Fast path (hot: every request): escapes never span a literal '&', so the whole text decodes
  // exactly when every piece does. Only a failure needs the per-piece walk, to name the piece.
  if (!text.includes(';') && decodesStrictly(text)) {
    return new URLSearchParams(text);
  }
  for (const piece of text.split('&')) {
    try {
      decodeURIComponent(piece.replace(/\+/g, ' '));
    } catch {
      throw new ProxyRejection(
        400,
        'malformed-body',
        `the ${where} is not valid form encoding (bad %-escape or invalid UTF-8 near "${piece.slice(0, 40)}"); percent-encode parameters as UTF-8`
      );
    }
    if (piece.includes(';')) {
      // Go 1.17+ refuses ';' as a separator; Prometheus would reject the request.
      throw new ProxyRejection(
        400,
        'malformed-body',
        `the ${where} contains ";", which is not a parameter separator; encode it as %3B`
      );
    }
  }
  return new URLSearchParams(text);
}

function decodesStrictly(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** Reads a request body up to `limit` bytes; 413 beyond, 400 for bytes that are not UTF-8. */
export async function readBoundedBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ProxyRejection(
      400,
      'malformed-body',
      'the request body is not valid UTF-8; send form parameters percent-encoded as UTF-8'
    );
  }
}

function tooLarge(limit: number): ProxyRejection {
  return new ProxyRejection(
    413,
    'body-too-large',
    `the request body is larger than ${limit} bytes (--max-body-bytes); send a shorter query or raise the limit`
  );
}

/** The media type of a request, lower case, without parameters. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Encodes parameters like Go's url.Values.Encode (keys sorted, values in order, RFC 3986
 * unreserved characters kept, space as '+'), the encoding Prometheus and prom-label-proxy use.
 */
export function encodeParams(params: Params): string {
  const keys = [...new Set(params.keys())].sort();
  const parts: string[] = [];
  for (const key of keys) {
    for (const value of params.getAll(key)) {
      parts.push(`${goQueryEscape(key)}=${goQueryEscape(value)}`);
    }
  }
  return parts.join('&');
}

const SUB_DELIMS_KEPT_BY_JS = /[!'()*]/g;

/**
 * Escaped forms of recent long values. Query texts repeat (dashboards refresh the same panels, and
 * the enforced text comes from the proxy's own cache), and escaping them was the largest item of
 * the proxy's own CPU per request in a profile. Bounded (values of 32 to 1024 characters, 2048
 * entries: ~16 MiB at most); cleared when full.
 */
const escapedLongValues = new Map<string, string>();
const MAX_ESCAPED_LONG_VALUES = 2048;
const LONG_VALUE = 32;
const MAX_MEMO_VALUE = 1024;

function goQueryEscape(s: string): string {
  if (s.length < LONG_VALUE || s.length > MAX_MEMO_VALUE) {
    return escapeLikeGo(s);
  }
  let out = escapedLongValues.get(s);
  if (out === undefined) {
    out = escapeLikeGo(s);
    if (escapedLongValues.size >= MAX_ESCAPED_LONG_VALUES) {
      escapedLongValues.clear();
    }
    escapedLongValues.set(s, out);
  }
  return out;
}

function escapeLikeGo(s: string): string {
  let out = encodeURIComponent(s);
  // The replacements are skipped when there is nothing to replace: this runs on every query text.
  if (/[!'()*]/.test(out)) {
    out = out.replace(SUB_DELIMS_KEPT_BY_JS, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  }
  return out.includes('%20') ? out.replace(/%20/g, '+') : out;
}

/** A parameter that may appear at most once per location (URL or body). */
export function singleValue(params: Params, name: string, where: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) {
    throw new ProxyRejection(
      400,
      'duplicate-parameter',
      `the ${where} has ${all.length} "${name}" parameters; send exactly one (Prometheus would use only the first)`
    );
  }
  return all[0];
}
