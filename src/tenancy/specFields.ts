/**
 * The field names a spec schema allows at a path, and the closest one to a misspelt key, for
 * "did you mean" hints on unknown fields. Walks zod's schema definitions (`_zod.def`), so new
 * spec fields are suggested without a second list to maintain.
 */
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

function def(schema: AnySchema): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}

/** Every schema a value at this point may follow (unions fan out; wrappers are unwrapped). */
function alternatives(schema: AnySchema): AnySchema[] {
  const d = def(schema);
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return alternatives(d.innerType as AnySchema);
    case 'pipe':
      return alternatives(d.in as AnySchema);
    case 'union':
      return (d.options as AnySchema[]).flatMap(alternatives);
    default:
      return [schema];
  }
}

export function knownFieldsAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current = alternatives(schema);
  for (const segment of path) {
    current = current.flatMap((s) => {
      const d = def(s);
      if (d.type === 'array' && typeof segment === 'number') {
        return alternatives(d.element as AnySchema);
      }
      if (d.type === 'object' && typeof segment === 'string') {
        const field = (d.shape as Record<string, AnySchema>)[segment];
        return field ? alternatives(field) : [];
      }
      return [];
    });
  }
  const names = current.flatMap((s) => {
    const d = def(s);
    return d.type === 'object' ? Object.keys(d.shape as Record<string, AnySchema>) : [];
  });
  return [...new Set(names)].sort();
}

/** The known field within a small edit distance of `key` (case-insensitive), if one stands out. */
export function closestField(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Up to a third of the key may differ: `labelValue`, `orgname`, `tennants` — not `colour` → `sso`.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/** Edit distance where swapping two neighbouring letters counts as one typo (`plna` → `plan`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], rows[i - 2][j - 2] + 1);
      }
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}
