/**
 * Builds the harness bundle with esbuild's JS API into `tests/artifacts/harness/<hash>/`, where
 * <hash> covers every file the bundle can include from this repository (src/, the harness itself,
 * the test support folders its pages import) and package-lock.json. A second call with unchanged
 * inputs reuses the directory; a fresh build takes a few seconds, so the cache mostly saves work
 * when several browser test files run.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'fs';
import path from 'path';
import * as esbuild from 'esbuild';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const HARNESS_DIR = __dirname;
const PAGES_DIR = path.join(HARNESS_DIR, 'pages');
const SUPPORT_DIRS = ['tests/dashboards/support', 'tests/wrapper/support', 'tests/support'];
export const HARNESS_ARTIFACTS = path.join(REPO_ROOT, 'tests', 'artifacts', 'harness');
/** Bumped when the build options below change in a way the input hash cannot see. */
const BUILD_RECIPE = 'harness-v4';

export interface HarnessBundle {
  /** Directory holding entry.js (+ chunks) and entry.css. */
  dir: string;
  hash: string;
  /** True when the bundle was built by this call, false when reused from the cache. */
  built: boolean;
  buildMs: number;
}

function listFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) {
    return out;
  }
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      listFiles(full, out);
    } else if (!name.endsWith('.test.ts') && !name.endsWith('.test.tsx')) {
      out.push(full);
    }
  }
  return out;
}

function inputHash(): string {
  const hash = createHash('sha256').update(BUILD_RECIPE);
  const files = [
    ...listFiles(path.join(REPO_ROOT, 'src')),
    ...listFiles(HARNESS_DIR),
    // Test support the pages import (the dashboards' targets and template service, result frames).
    ...SUPPORT_DIRS.flatMap((dir) => listFiles(path.join(REPO_ROOT, dir))),
    path.join(REPO_ROOT, 'package-lock.json'),
    path.join(REPO_ROOT, 'tsconfig.json'),
  ];
  for (const file of files) {
    if (existsSync(file)) {
      hash.update(path.relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The page registry: a virtual module importing every file of ./pages (add a file to add a page). */
const pagesPlugin: esbuild.Plugin = {
  name: 'harness-pages',
  setup(build) {
    build.onResolve({ filter: /^harness:pages$/ }, () => ({ path: 'harness:pages', namespace: 'harness-pages' }));
    build.onLoad({ filter: /.*/, namespace: 'harness-pages' }, () => {
      const files = readdirSync(PAGES_DIR)
        .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
        .sort();
      const imports = files.map((f, i) => `import p${i} from ${JSON.stringify(path.join(PAGES_DIR, f))};`);
      const checks = files.map(
        (f, i) =>
          `if (!p${i} || p${i}.id !== ${JSON.stringify(f.replace(/\.tsx?$/, ''))}) { throw new Error('harness page file ${f}: default export must be a HarnessPage whose id is the file name'); }`
      );
      return {
        contents: `${imports.join('\n')}\n${checks.join('\n')}\nexport default [${files.map((_, i) => `p${i}`).join(', ')}];\n`,
        resolveDir: PAGES_DIR,
        loader: 'ts',
      };
    });
  },
};

/** Keeps the newest few bundles and anything built in the last 10 minutes (a parallel test may serve it). */
function pruneOldBuilds(keep: string) {
  if (!existsSync(HARNESS_ARTIFACTS)) {
    return;
  }
  const recent = Date.now() - 600_000;
  const builds = readdirSync(HARNESS_ARTIFACTS)
    .filter((name) => !name.startsWith('.tmp-'))
    .map((name) => ({ name, mtime: statSync(path.join(HARNESS_ARTIFACTS, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  builds.forEach((build, index) => {
    if (build.name !== keep && index >= 3 && build.mtime < recent) {
      rmSync(path.join(HARNESS_ARTIFACTS, build.name), { recursive: true, force: true });
    }
  });
}

export async function buildHarnessBundle(options: { force?: boolean } = {}): Promise<HarnessBundle> {
  const started = Date.now();
  const hash = inputHash();
  const dir = path.join(HARNESS_ARTIFACTS, hash);
  if (!options.force && existsSync(path.join(dir, 'entry.js'))) {
    return { dir, hash, built: false, buildMs: Date.now() - started };
  }
  mkdirSync(HARNESS_ARTIFACTS, { recursive: true });
  // Build beside the target and rename, so parallel test files never see a half-written bundle.
  const tmp = path.join(HARNESS_ARTIFACTS, `.tmp-${process.pid}-${Date.now()}`);
  try {
    await esbuild.build({
      entryPoints: { entry: path.join(HARNESS_DIR, 'entry.tsx') },
      absWorkingDir: REPO_ROOT,
      tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      outdir: tmp,
      // Production React: quieter console, the same code paths Grafana runs.
      define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
      loader: {
        '.svg': 'dataurl',
        '.png': 'dataurl',
        '.woff': 'empty',
        '.woff2': 'empty',
        '.ttf': 'empty',
        '.eot': 'empty',
      },
      // @grafana/ui's Link imports the v5-compat package (a v6 router); point it at our react-router-dom
      // v6 so the harness's single MemoryRouter provides the context, as Grafana's router does.
      alias: { 'react-router-dom-v5-compat': 'react-router-dom' },
      plugins: [pagesPlugin],
      // Chromium does not apply source maps to error.stack, so maps would only cost time and disk.
      sourcemap: false,
      logLevel: 'silent',
    });
    if (existsSync(path.join(dir, 'entry.js')) && !options.force) {
      // Another test file built the same inputs meanwhile and may be serving it: keep theirs.
      rmSync(tmp, { recursive: true, force: true });
    } else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    const messages = (error as { errors?: esbuild.Message[] }).errors;
    if (messages?.length) {
      const text = await esbuild.formatMessages(messages.slice(0, 10), { kind: 'error' });
      throw new Error(`harness bundle build failed (fix the file named below):\n${text.join('\n')}`);
    }
    throw error;
  } finally {
    // The esbuild service child keeps jest from exiting ("did not exit one second after…").
    await esbuild.stop();
  }
  pruneOldBuilds(hash);
  return { dir, hash, built: true, buildMs: Date.now() - started };
}
