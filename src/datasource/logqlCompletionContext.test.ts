import { completionContextAt, type LogQLCompletionContext } from './logqlCompletionContext';

/** The last `|` marks the cursor (earlier ones are LogQL pipes); it is removed before reading. */
function at(marked: string): LogQLCompletionContext | null {
  const pos = marked.lastIndexOf('|');
  return completionContextAt(marked.slice(0, pos) + marked.slice(pos + 1), pos);
}

/** The context without positions and raw texts: kind, label, quote, and the others as `name op`. */
function shape(marked: string) {
  const c = at(marked);
  if (!c) {
    return null;
  }
  const others = c.others.map((m) => m.text);
  return c.kind === 'label-name' ? { kind: c.kind, others } : { kind: c.kind, label: c.label, quote: c.quote, others };
}

describe('completionContextAt: label names inside a stream selector', () => {
  test.each<[string, string[]]>([
    ['{|', []],
    ['{|}', []],
    ['{ |}', []],
    ['{ap|}', []],
    ['{app="api", |}', ['app="api"']],
    ['{app="api",|}', ['app="api"']],
    ['{|, app="api"}', ['app="api"']],
    ['{app="a,b", env!~`x}y`, |}', ['app="a,b"', 'env!~`x}y`']],
    ['{app="say \\"hi\\"", |}', ['app="say \\"hi\\""']],
    ['sum(count_over_time({job="x", |}[5m]))', ['job="x"']],
    ['{a="1"} |= "x" or {|}', []],
    ['{app="$app", env="dev", |}', ['env="dev"']],
    ['{app="api", env=, |}', ['app="api"']],
  ])('%s', (marked, others) => {
    expect(shape(marked)).toEqual({ kind: 'label-name', others });
  });

  test('from is the start of the partial name', () => {
    expect(at('{env="dev", ap|}')).toMatchObject({ kind: 'label-name', from: 12 });
    expect(at('{|}')).toMatchObject({ kind: 'label-name', from: 1 });
  });
});

describe('completionContextAt: label values inside the quotes of a matcher', () => {
  test.each<[string, string, '"' | '`', string[]]>([
    ['{app="|', 'app', '"', []],
    ['{app="|"}', 'app', '"', []],
    ['{app=~"ap|"}', 'app', '"', []],
    ['{app!="|"}', 'app', '"', []],
    ['{app!~`|`}', 'app', '`', []],
    ['{ app = "|" }', 'app', '"', []],
    ['{env="dev", app="|"}', 'app', '"', ['env="dev"']],
    ['{app="|", env="dev", pod=~"p.*"}', 'app', '"', ['env="dev"', 'pod=~"p.*"']],
    // The matcher being completed names the label itself; a second one on the same label is left out too.
    ['{app!="web", app="|"}', 'app', '"', []],
    ['rate({job="x", app="|"}[1m])', 'app', '"', ['job="x"']],
  ])('%s', (marked, label, quote, others) => {
    expect(shape(marked)).toEqual({ kind: 'label-value', label, quote, others });
  });

  test('from is just inside the opening quote', () => {
    expect(at('{app="ap|"}')).toMatchObject({ kind: 'label-value', from: 6 });
  });
});

describe('completionContextAt: no label suggestion', () => {
  test.each([
    '|',
    'sum(|',
    '{app="api"} |',
    '{app="api"} |= "{|',
    '{app="api"} | line_format "{{.app}} |"',
    '{app="api"} | logfmt | le|',
    '{app=|}',
    '{app="api" |}',
    '{app="api"|}',
    '{"|"}',
    '# {|',
    '{app="x"} # a comment {|',
    '${|',
  ])('%s', (marked) => {
    expect(at(marked)).toBeNull();
  });

  test('a comment or a ${var} before the selector does not open or close it', () => {
    expect(shape('# }\n{|}')).toEqual({ kind: 'label-name', others: [] });
    expect(shape('${x} + {|}')).toEqual({ kind: 'label-name', others: [] });
  });
});
