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
  // Fast path (hot: every request). Only a failure needs the walk below, to name the piece.
  const parsed = text.includes(';') ? null : parseStrictly(text);
  if (parsed) {
    return parsed;
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

/**
 * The parameters, split as URLSearchParams splits them (on '&', then at the first '='; empty
 * pieces skipped), each part decoded by the strict decodeURIComponent ('+' is a space); null when
 * a part does not decode. One pass, instead of a strict check and then URLSearchParams' own parse.
 */
function parseStrictly(text: string): Params | null {
  const params = new URLSearchParams();
  if (text === '') {
    return params;
  }
  try {
    for (const piece of text.split('&')) {
      if (piece === '') {
        continue;
      }
      const eq = piece.indexOf('=');
      if (eq < 0) {
        params.append(decodeFormPart(piece), '');
      } else {
        params.append(decodeFormPart(piece.slice(0, eq)), decodeFormPart(piece.slice(eq + 1)));
      }
    }
  } catch {
    return null;
  }
  return params;
}

function decodeFormPart(part: string): string {
  const spaced = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced;
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
  const entries: Array<[string, string]> = [];
  let sorted = true;
  params.forEach((value, key) => {
    if (sorted && entries.length > 0 && key < entries[entries.length - 1][0]) {
      sorted = false;
    }
    entries.push([key, value]);
  });
  if (!sorted) {
    // Array sort is stable: the values of one key keep their order, as Go's Encode keeps them.
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  let out = '';
  for (let i = 0; i < entries.length; i++) {
    out += `${i === 0 ? '' : '&'}${goQueryEscape(entries[i][0])}=${goQueryEscape(entries[i][1])}`;
  }
  return out;
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

/** Characters Go's QueryEscape keeps as they are (RFC 3986 unreserved). */
const UNRESERVED_ONLY = /^[A-Za-z0-9_.~-]*$/;

function goQueryEscape(s: string): string {
  if (s.length < LONG_VALUE && UNRESERVED_ONLY.test(s)) {
    return s; // parameter names, times, steps
  }
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
