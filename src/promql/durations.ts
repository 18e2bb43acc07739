/**
 * Number and duration literals as Prometheus reads them (promql/parser/lex.go, model.ParseDuration):
 * decimal with `_` separators, hex, `Inf`/`NaN` (any case), and durations such as `1h30m` (which
 * are seconds when used as numbers, Prometheus 3).
 */
const UNIT_SECONDS: Record<string, number> = {
  y: 365 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

/** Seconds of a duration like `1h30m`, or undefined when `text` is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  let total = 0;
  let i = 0;
  let any = false;
  while (i < text.length) {
    let j = i;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) {
      j++;
    }
    if (j === i) {
      return undefined;
    }
    const n = Number(text.slice(i, j));
    const unit = text.startsWith('ms', j) ? 'ms' : text[j];
    const factor = UNIT_SECONDS[unit];
    if (factor === undefined) {
      return undefined;
    }
    total += n * factor;
    i = j + unit.length;
    any = true;
  }
  return any ? total : undefined;
}

/** The value of an unsigned number literal, or undefined when Prometheus could not parse it. */
export function parseNumberLiteral(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf') {
    return Infinity;
  }
  if (lower === 'nan') {
    return NaN;
  }
  if (lower.startsWith('0x')) {
    const v = parseInt(lower.slice(2), 16);
    return Number.isFinite(v) ? v : undefined;
  }
  const last = lower.charCodeAt(lower.length - 1);
  if (last >= 97 && last <= 122 && lower.indexOf('e') < 0) {
    return parseDurationSeconds(lower);
  }
  if (
    lower.includes('y') ||
    lower.includes('w') ||
    lower.includes('d') ||
    lower.includes('h') ||
    lower.includes('m') ||
    lower.includes('s')
  ) {
    return parseDurationSeconds(lower);
  }
  const v = Number(lower.includes('_') ? lower.split('_').join('') : lower);
  if (Number.isNaN(v) || !Number.isFinite(v)) {
    return undefined; // e.g. 1e400: Go's ParseFloat reports "value out of range"
  }
  return v;
}

/** Go's time.Duration holds ±2^63-1 ns: Prometheus rejects longer durations. */
export const MAX_DURATION_SECONDS = 9223372036.854775807;
