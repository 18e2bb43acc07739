import {
  dateTime,
  LogRowContextQueryDirection,
  type LogRowContextOptions,
  type LogRowModel,
  type TimeRange,
} from '@grafana/data';

const LOKI_LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How far around the row context lines are looked for (Grafana's Loki uses two hours as well). */
export const CONTEXT_WINDOW_MS = 2 * 60 * 60 * 1000;

/** Lines per context request when Grafana asks for no particular number. */
export const DEFAULT_CONTEXT_LIMIT = 10;

/**
 * The row's stream labels, when the frame says which labels are indexed: Loki frames carry a
 * `labelTypes` field (I = indexed, S = structured metadata, P = parsed); only indexed labels can
 * be stream matchers. Without that field every label is taken.
 */
function indexedLabels(row: LogRowModel): Array<[string, string]> {
  const typesField = row.dataFrame?.fields?.find((f) => f.name === 'labelTypes');
  const types = typesField?.values?.[row.rowIndex] as Record<string, string> | undefined;
  return Object.entries(row.labels ?? {}).filter(
    ([name]) => !types || types[name] === undefined || types[name] === 'I'
  );
}

/**
 * The stream selector of a log row's context, built from the row's labels WITHOUT the tenant label:
 * the labels come from the log data, which is not trusted, so a row claiming another tenant selects
 * nothing of that tenant — the engine adds the user's own tenant matcher to this text before it
 * leaves. Empty text when no label is usable (the caller then selects the tenant's streams).
 */
export function contextSelector(row: LogRowModel, tenantLabel: string): string {
  const matchers = indexedLabels(row)
    .filter(([name]) => name !== tenantLabel && LOKI_LABEL_NAME.test(name))
    .map(([name, value]) => `${name}=${JSON.stringify(String(value))}`);
  return matchers.length > 0 ? `{${matchers.join(', ')}}` : '';
}

export interface ContextWindow {
  range: TimeRange;
  direction: 'backward' | 'forward';
  limit: number;
}

/** The time window and direction of a context request around `row`. */
export function contextWindow(row: LogRowModel, options?: LogRowContextOptions): ContextWindow {
  const width = options?.timeWindowMs ?? CONTEXT_WINDOW_MS;
  const at = row.timeEpochMs;
  const forward = options?.direction === LogRowContextQueryDirection.Forward;
  // Backward ends just after the row (Loki's end is exclusive); forward starts at it.
  const [from, to] = forward ? [at, at + width] : [at - width, at + 1];
  const range: TimeRange = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
  return { range, direction: forward ? 'forward' : 'backward', limit: options?.limit ?? DEFAULT_CONTEXT_LIMIT };
}
