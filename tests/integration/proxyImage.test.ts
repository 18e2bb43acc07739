/** @jest-environment node */
/**
 * The proxy image's build stage without Docker (none runs here): the files its COPY lines bring in,
 * and nothing else of the repository, must be enough for the Dockerfile's own esbuild command to
 * bundle the proxy, and the bundle must start. A new import from a directory the image does not
 * copy fails here instead of in an operator's `docker build`.
 */
import { execFileSync } from 'child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import os from 'os';
import path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCKERFILE = readFileSync(path.join(ROOT, 'proxy', 'Dockerfile'), 'utf8');

/** The build stage: from the first FROM up to the second. */
const buildStage = DOCKERFILE.split(/^FROM /m)[1];

test('every Node image of the project is the same pinned version', () => {
  const images = [
    DOCKERFILE,
    readFileSync(path.join(ROOT, 'docker', 'plugin-build.Dockerfile'), 'utf8'),
    readFileSync(path.join(ROOT, 'docker-compose.yaml'), 'utf8'),
  ].flatMap((text) => [...text.matchAll(/\bnode:([\w.-]+)/g)].map((m) => m[1]));
  expect(images.length).toBeGreaterThanOrEqual(3);
  expect(new Set(images)).toEqual(new Set([images[0]]));
  const major = readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();
  expect(images[0]).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+-`));
});

test('the build stage bundles the proxy from the copied files alone, and the bundle starts', () => {
  const copies = [...buildStage.matchAll(/^COPY (?!--from)(\S+)(?: (\S+))* (\S+)$/gm)].map((m) => m[1]);
  expect(copies).toEqual(expect.arrayContaining(['proxy']));
  const esbuild = /RUN (npx esbuild [^\n\\]+(?:\\\n[^\n\\]+)*)/.exec(buildStage)?.[1];
  expect(esbuild).toBeDefined();
  const work = mkdtempSync(path.join(os.tmpdir(), 'proxy-image-'));
  try {
    for (const entry of copies.filter((c) => !c.startsWith('package'))) {
      cpSync(path.join(ROOT, entry), path.join(work, entry), { recursive: true });
    }
    // `npm ci` of the stage: the same packages, linked instead of installed.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));
    // The esbuild invocation itself: up to the `&&` that starts the stage's smoke test.
    const command = esbuild!
      .replace(/\\\n/g, ' ')
      .split('&&')[0]
      .replace(/^npx esbuild /, '');
    const args = command.split(/\s+/).filter((a) => a !== '');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), args, { cwd: work, stdio: 'pipe' });
    const help = execFileSync(process.execPath, [path.join(work, 'dist', 'proxy.cjs'), '--help'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(help).toContain('--upstream');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 120_000);
