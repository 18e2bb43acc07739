/**
 * Runs every benchmarks/<area>.bench.ts (or only the areas named on the command line) in one
 * process and prints, per figure, a readable line and one `BENCH {json}` line for machines.
 */
import { readdirSync } from 'fs';
import path from 'path';
import type { BenchFigure, Report } from './report';

async function main() {
  const wanted = process.argv.slice(2);
  const areas = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .filter((area) => wanted.length === 0 || wanted.includes(area))
    .sort();
  if (areas.length === 0) {
    throw new Error(`No benchmark matches ${wanted.join(', ')}; available files are benchmarks/*.bench.ts`);
  }
  let failed = false;
  for (const area of areas) {
    const report: Report = (figure: BenchFigure) => {
      console.log(
        `${figure.name.padEnd(34)} ${String(round(figure.value)).padStart(12)} ${figure.unit.padEnd(10)} goal ${figure.goal}`
      );
      console.log(`BENCH ${JSON.stringify(figure)}`);
    };
    console.log(`# ${area}`);
    try {
      const mod = await import(path.join(__dirname, `${area}.bench.ts`));
      await mod.default(report);
    } catch (err) {
      failed = true;
      console.error(`benchmark ${area} failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}

main();
