import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import type { TimeRange } from '@grafana/data';

import { completionContextAt, type TypedMatcher } from './logqlCompletionContext';
import type { TenantLokiMetadataApi } from './lokiMetadataApi';

/**
 * What the LogQL editor's suggestions may ask for. The only implementation used by the editor is
 * TenantLokiLabels below, i.e. the wrapper's tenant-pinned Loki metadata calls.
 */
export interface LokiLabelSource {
  /** The label the wrapper pins (never suggested: the wrapper adds it to every selector). */
  tenantLabel(): Promise<string>;
  /** `stream`: the other matchers typed in the selector, e.g. `{app="api"}`; the tenant is added later. */
  labelNames(stream: string | undefined): Promise<string[]>;
  labelValues(label: string, stream: string | undefined): Promise<string[]>;
}

/**
 * The editor's label source: TenantLokiMetadataApi over the dashboard / Explore time range
 * (follows the picker through setRange, like TenantPrometheusClient).
 */
export class TenantLokiLabels implements LokiLabelSource {
  private range?: TimeRange;

  constructor(private readonly api: TenantLokiMetadataApi) {}

  setRange(range: TimeRange | undefined): void {
    this.range = range;
  }

  tenantLabel(): Promise<string> {
    return this.api.tenantLabel();
  }

  labelNames(stream: string | undefined): Promise<string[]> {
    return this.api.labelNames({ stream, range: this.range });
  }

  labelValues(label: string, stream: string | undefined): Promise<string[]> {
    return this.api.labelValues(label, { stream, range: this.range });
  }
}

/**
 * The scope of a metadata call, as Grafana's Loki editor does it (the other matchers of the
 * selector; grafana/grafana public/app/plugins/datasource/loki/components/monaco-query-field/
 * monaco-completion-provider/situation.ts). A matcher on the tenant label is left out: the query
 * itself gets the user's tenant whatever the text names, so the suggestions should too.
 */
function scope(others: readonly TypedMatcher[], tenant: string): string | undefined {
  const kept = others.filter((m) => m.name !== tenant);
  return kept.length > 0 ? `{${kept.map((m) => m.text).join(', ')}}` : undefined;
}

/** A value as it goes between the quotes typed; raw strings cannot hold a backtick. */
function valueOption(value: string, quote: '"' | '`'): Completion | undefined {
  if (quote === '`') {
    return value.includes('`') ? undefined : { label: value, type: 'text' };
  }
  // JSON's string escapes are a subset of LogQL's (Go strconv.Unquote) double-quoted escapes.
  const escaped = JSON.stringify(value).slice(1, -1);
  return { label: value, apply: escaped, type: 'text' };
}

/**
 * CodeMirror completion for stream selectors: label names inside `{…}` and a label's values
 * inside its quotes. Any failure of the calls (no mapped team, target error, a selector the
 * engine refuses) gives no suggestions; the tenant line under the editor shows the reason.
 */
export function logqlLabelCompletion(source: LokiLabelSource): CompletionSource {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const at = completionContextAt(ctx.state.doc.toString(), ctx.pos);
    if (!at) {
      return null;
    }
    try {
      const tenant = await source.tenantLabel();
      const stream = scope(at.others, tenant);
      if (at.kind === 'label-name') {
        const used = new Set([tenant, ...at.others.map((m) => m.name)]);
        const names = (await source.labelNames(stream)).filter((n) => !used.has(n));
        return {
          from: at.from,
          options: names.map((label) => ({ label, type: 'property' })),
          validFor: /^[A-Za-z0-9_]*$/,
        };
      }
      if (at.label === tenant) {
        return null;
      }
      const values = await source.labelValues(at.label, stream);
      return {
        from: at.from,
        options: values.map((v) => valueOption(v, at.quote)).filter((o): o is Completion => o !== undefined),
        validFor: at.quote === '`' ? /^[^`]*$/ : /^(?:[^"\\]|\\.)*$/,
      };
    } catch {
      return null;
    }
  };
}
