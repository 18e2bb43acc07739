/**
 * Reads Grafana Alloy configuration text (the syntax of grafana/alloy docs/sources/get-started/
 * configuration-syntax) far enough for offline checks of the compose stack's log agents: blocks
 * with an optional label, attributes whose values are strings, numbers, booleans, null, lists,
 * objects and references (`loki.relabel.force_tenant.receiver`). Anything else — function calls,
 * operators, heredocs — throws with the position, so a check never passes on text it did not read.
 * No Alloy binary is available here (no Debian package; binary downloads are not allowed).
 */

export type AlloyValue = string | number | boolean | null | AlloyValue[] | AlloyObject | AlloyReference;
export interface AlloyObject {
  readonly [key: string]: AlloyValue;
}
/** A dotted reference to another component's export, e.g. `local.file_match.workload.targets`. */
export interface AlloyReference {
  readonly ref: string;
}

export interface AlloyBlock {
  /** Dotted block name: `loki.relabel`, `rule`, `stage.json`. */
  name: string;
  /** The quoted label after the name (`loki.relabel "force_tenant"`), if any. */
  label?: string;
  attributes: Record<string, AlloyValue>;
  blocks: AlloyBlock[];
}

type Token =
  | { kind: 'ident'; value: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'punct'; value: string; at: number };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`Alloy config: ${what} at offset ${i} (line ${text.slice(0, i).split('\n').length})`);
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        fail('unterminated block comment');
      }
      i = end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', value: m[0], at: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (c === '"') {
      const at = i;
      let value = '';
      i++;
      while (text[i] !== '"') {
        if (i >= text.length || text[i] === '\n') {
          fail('unterminated string');
        }
        if (text[i] === '\\') {
          const escaped = ESCAPES[text[i + 1]];
          if (escaped === undefined) {
            fail(`unsupported escape \\${text[i + 1]}`);
          }
          value += escaped;
          i += 2;
        } else {
          value += text[i++];
        }
      }
      i++;
      tokens.push({ kind: 'string', value, at });
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) {
        fail('unterminated raw string');
      }
      tokens.push({ kind: 'string', value: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if ('{}[]=,.'.includes(c)) {
      tokens.push({ kind: 'punct', value: c, at: i++ });
    } else {
      fail(`unsupported character "${c}"`);
    }
  }
  return tokens;
}

/** Parses a whole configuration file into its top-level blocks (top-level attributes are refused). */
export function parseAlloyConfig(text: string): AlloyBlock[] {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (what: string): never => {
    const at = peek()?.at ?? text.length;
    throw new Error(`Alloy config: ${what} at offset ${at} (line ${text.slice(0, at).split('\n').length})`);
  };
  const isPunct = (value: string) => peek()?.kind === 'punct' && peek()!.value === value;
  const expectPunct = (value: string) => {
    if (!isPunct(value)) {
      fail(`expected "${value}"`);
    }
    pos++;
  };
  const dotted = (): string => {
    const parts: string[] = [];
    for (;;) {
      const t = peek();
      if (t?.kind !== 'ident') {
        return fail('expected a name');
      }
      parts.push(String(t.value));
      pos++;
      if (!isPunct('.')) {
        return parts.join('.');
      }
      pos++;
    }
  };

  const value = (): AlloyValue => {
    const t = peek();
    if (!t) {
      return fail('expected a value');
    }
    if (t.kind === 'string' || t.kind === 'number') {
      pos++;
      return t.value;
    }
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false' || t.value === 'null') {
        pos++;
        return t.value === 'null' ? null : t.value === 'true';
      }
      // A call such as sys.env("X") stops at "(", which the tokenizer refuses.
      return { ref: dotted() };
    }
    if (isPunct('[')) {
      pos++;
      const items: AlloyValue[] = [];
      while (!isPunct(']')) {
        items.push(value());
        if (!isPunct(']')) {
          expectPunct(',');
        }
      }
      pos++;
      return items;
    }
    if (isPunct('{')) {
      pos++;
      const object: Record<string, AlloyValue> = {};
      while (!isPunct('}')) {
        const key = peek();
        if (key?.kind !== 'ident' && key?.kind !== 'string') {
          fail('expected an object key');
        }
        pos++;
        expectPunct('=');
        object[String(key!.value)] = value();
        if (!isPunct('}')) {
          expectPunct(',');
        }
      }
      pos++;
      return object;
    }
    return fail(`unexpected "${t.value}"`);
  };

  const body = (block: AlloyBlock): void => {
    while (!isPunct('}')) {
      if (!peek()) {
        fail(`block ${block.name} is not closed`);
      }
      const name = dotted();
      if (isPunct('=')) {
        pos++;
        if (name in block.attributes) {
          fail(`attribute ${name} given twice in ${block.name}`);
        }
        block.attributes[name] = value();
      } else {
        block.blocks.push(blockAfterName(name));
      }
    }
    pos++;
  };

  const blockAfterName = (name: string): AlloyBlock => {
    const block: AlloyBlock = { name, attributes: {}, blocks: [] };
    if (peek()?.kind === 'string') {
      block.label = String(peek()!.value);
      pos++;
    }
    expectPunct('{');
    body(block);
    return block;
  };

  const blocks: AlloyBlock[] = [];
  while (peek()) {
    const name = dotted();
    if (isPunct('=')) {
      fail(`top-level attribute ${name}: only blocks are expected in an agent file`);
    }
    blocks.push(blockAfterName(name));
  }
  return blocks;
}

/** `name.label` of a top-level component block, as other components reference it. */
export function componentId(block: AlloyBlock): string {
  return block.label === undefined ? block.name : `${block.name}.${block.label}`;
}

/** The component ids a block forwards to (`forward_to = [x.y.z.receiver]` → `x.y.z`). */
export function forwardTargets(block: AlloyBlock): string[] {
  const forward = block.attributes.forward_to;
  if (forward === undefined) {
    return [];
  }
  if (!Array.isArray(forward)) {
    throw new Error(`${componentId(block)}: forward_to is not a list`);
  }
  return forward.map((item) => {
    const ref = typeof item === 'object' && item !== null && 'ref' in item ? (item as AlloyReference).ref : null;
    if (ref === null || !ref.endsWith('.receiver')) {
      throw new Error(`${componentId(block)}: forward_to holds ${JSON.stringify(item)}, not a component receiver`);
    }
    return ref.slice(0, -'.receiver'.length);
  });
}
