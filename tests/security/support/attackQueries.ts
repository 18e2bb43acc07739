/**
 * Queries a tenant might send to reach another tenant's series: selectors in every syntactic
 * position, matchers that try to cancel or widen the tenant matcher, comments and strings that look
 * like selectors, lexer corner cases. Each must either be rejected or come back with the tenant
 * matcher in every selector (checked by selectorAudit.ts and, for the Prometheus differential, by
 * Prometheus' own parser via /api/v1/format_query).
 */
export interface AttackQuery {
  name: string;
  expr: string;
}

export const ATTACK_QUERIES: readonly AttackQuery[] = [
  // Aggregation parameters (prom-label-proxy leaves these unenforced: injectproxy/enforce.go).
  { name: 'topk param', expr: 'topk(scalar(count(y)), x)' },
  { name: 'bottomk param oracle', expr: 'bottomk(scalar(sum(other_metric) > bool 1000), up)' },
  { name: 'quantile param', expr: 'quantile(scalar(secret), up)' },
  { name: 'count_values label from other tenant', expr: 'count_values("tenant", secret)' },
  { name: 'limitk param', expr: 'limitk(scalar(secret), up)' },
  { name: 'limit_ratio param', expr: 'limit_ratio(scalar(secret) / 1e9, up)' },
  { name: 'nested aggregation params', expr: 'topk(scalar(topk(scalar(a), b)), c)' },
  { name: 'grouping', expr: 'sum by (tenant) (secret)' },
  { name: 'without grouping after body', expr: 'sum(secret) without (tenant)' },
  // Functions.
  { name: 'label_replace onto tenant', expr: 'label_replace(secret, "tenant", "a", "tenant", ".*")' },
  { name: 'label_join', expr: 'label_join(secret, "tenant", ",", "x", "y")' },
  { name: 'absent', expr: 'absent(secret{tenant="b"})' },
  { name: 'absent_over_time', expr: 'absent_over_time(secret{tenant="b"}[5m])' },
  { name: 'scalar in binary', expr: 'up * scalar(secret)' },
  { name: 'histogram_quantile', expr: 'histogram_quantile(scalar(q), rate(h_bucket[5m]))' },
  { name: 'clamp args', expr: 'clamp(up, scalar(a), scalar(b))' },
  { name: 'round to nearest', expr: 'round(up, scalar(secret))' },
  { name: 'predict_linear', expr: 'predict_linear(up[5m], scalar(secret))' },
  { name: 'info data selector', expr: 'info(up, {tenant=~".+"})' },
  { name: 'timestamp', expr: 'timestamp(secret)' },
  { name: 'sort_by_label', expr: 'sort_by_label(secret, "tenant")' },
  // Subqueries, modifiers.
  { name: 'subquery with @ start()', expr: 'max_over_time(secret[1h:1m] @ start())' },
  { name: 'subquery with @ end() and offset', expr: 'rate(secret[5m] @ end() offset 1h)' },
  { name: 'nested subqueries', expr: 'max_over_time(rate(secret[5m])[30m:1m][1h:5m])' },
  { name: 'negative offset', expr: 'secret offset -1h' },
  { name: '@ timestamp', expr: 'secret @ 1704067200' },
  { name: 'subquery of aggregation', expr: 'avg_over_time(sum(secret)[10m:])' },
  // Binary operations and set operators.
  { name: 'or vector', expr: 'up or vector(1)' },
  { name: 'or with on()', expr: 'up or on() secret' },
  { name: 'group_left', expr: 'up * on(instance) group_left(tenant) secret' },
  { name: 'unless ignoring', expr: 'up unless ignoring(tenant) secret' },
  { name: 'comparison bool', expr: 'secret > bool 1000' },
  { name: 'scalar op vector', expr: '1 + secret' },
  { name: 'unary minus', expr: '-secret' },
  { name: 'parenthesised', expr: '((((secret))))' },
  // Matchers trying to cancel or widen the tenant.
  { name: 'tenant !=', expr: 'up{tenant!="a"}' },
  { name: 'tenant regex all', expr: 'up{tenant=~".*"}' },
  { name: 'tenant regex alternation', expr: 'up{tenant=~"a|b"}' },
  { name: 'tenant regex negation', expr: 'up{tenant!~"a"}' },
  { name: 'tenant empty with name matcher', expr: '{__name__="x", tenant=""}' },
  { name: 'tenant only', expr: '{tenant="b"}' },
  { name: 'tenant regex only', expr: '{tenant=~"b|c"}' },
  { name: 'duplicate tenant matchers', expr: 'up{tenant="b",tenant="c"}' },
  { name: 'duplicate tenant, other in between', expr: 'up{tenant="b", job="x", tenant=~".+"}' },
  { name: 'quoted tenant label name', expr: 'up{"tenant"="b"}' },
  { name: 'escaped quoted tenant label name', expr: 'up{"te\\u006eant"="b"}' },
  { name: 'octal-escaped tenant label name', expr: 'up{"te\\156ant"="b"}' },
  { name: 'hex-escaped tenant label name', expr: 'up{"te\\x6eant"="b"}' },
  { name: 'quoted metric name form', expr: '{"secret", tenant="b"}' },
  { name: 'quoted metric and dotted label', expr: '{"secret.total", "tenant"=~".*"}' },
  { name: 'name via __name__ regex', expr: '{__name__=~".+", tenant!=""}' },
  { name: 'tenant value escapes', expr: 'up{tenant="\\x62"}' },
  { name: 'backtick tenant value', expr: 'up{tenant=`b`}' },
  { name: 'single-quoted tenant value', expr: "up{tenant='b'}" },
  { name: 'trailing comma', expr: 'up{tenant="b",}' },
  { name: 'tenant label case', expr: 'up{Tenant="b", TENANT="b"}' },
  // Comments and strings that look like selectors.
  { name: 'comment looks like selector', expr: 'up # or secret{tenant="b"}\n' },
  { name: 'comment inside braces', expr: 'up{job="x", # tenant="b"\n}' },
  { name: 'comment between matchers', expr: 'up{tenant="b", # x\n job="y"}' },
  { name: 'string looks like selector', expr: 'label_replace(up, "x", "secret{tenant=\\"b\\"}", "", "")' },
  { name: 'raw string with newline and quote', expr: 'label_replace(up, "x", `a"\n} or secret{`, "", "")' },
  { name: 'CR-terminated comment (Prometheus lexer ends comments at \\r)', expr: 'up # x\r or secret' },
  { name: 'CR comment inside aggregation', expr: 'sum(up) # x\r + sum(secret)' },
  { name: 'CR comment inside braces', expr: 'up{job="x" # c\r, tenant="b"}' },
  { name: 'CR LF comment', expr: 'up # x\r\n' },
  { name: 'form feed / vertical tab spacing', expr: 'up\f or\vsecret' },
  { name: 'unicode line separator', expr: 'up\u2028or secret' },
  { name: 'NBSP spacing', expr: 'up\u00a0or\u00a0secret' },
  // Keywords and numbers as metric names.
  { name: 'keyword metric names', expr: 'sum + by + start + end' },
  { name: 'keyword metric names with braces', expr: 'sum{job="x"} or avg{job="y"}' },
  { name: 'Infinity identifier', expr: 'Infinity' },
  { name: 'Inf number', expr: 'Inf + secret' },
  { name: 'NaN-prefixed identifier', expr: 'NaNny' },
  { name: 'hex number then identifier', expr: '0x1f + secret' },
  { name: 'number with underscore', expr: '1_000 * secret' },
  { name: 'duration arithmetic', expr: 'rate(secret[5m+1m])' },
  { name: 'step() duration', expr: 'rate(secret[step()])' },
  { name: 'colon metric', expr: 'job:secret:rate5m' },
  // Parse-error recovery: lezer repairs these; nothing may come back partially enforced.
  { name: 'unclosed brace', expr: 'up{tenant="b"' },
  { name: 'unclosed string', expr: 'up{tenant="b}' },
  { name: 'missing operand', expr: 'up or' },
  { name: 'garbage between selectors', expr: 'up ) or secret' },
  { name: 'two expressions', expr: 'up secret' },
  { name: 'stray comma', expr: 'sum(up,) or secret' },
  { name: 'bad escape', expr: 'up{job="\\q"} or secret' },
  { name: 'empty', expr: '' },
  { name: 'only comment', expr: '# secret{tenant="b"}' },
  { name: 'NUL byte', expr: 'up\u0000 or secret' },
  { name: 'lone surrogate', expr: 'up{job="\ud800"} or secret' },
  { name: 'unknown function', expr: 'not_a_function(secret)' },
  { name: 'selector matching everything', expr: '{tenant=~".*"}' },
];
