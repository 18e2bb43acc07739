import { existsSync } from 'fs';
import path from 'path';

/**
 * The project's shared material (conformance vectors, PromQL corpus, Grafana API contract) lives
 * beside the repository as `../shared`, both on developer machines and in CI. Override with
 * TENANCY_SHARED_DIR when it lives elsewhere.
 */
export const SHARED_DIR = process.env.TENANCY_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');

export function sharedPath(...parts: string[]): string {
  const full = path.join(SHARED_DIR, ...parts);
  if (!existsSync(full)) {
    throw new Error(
      `Shared test material not found at ${full}: clone the repository next to ../shared or set TENANCY_SHARED_DIR.`
    );
  }
  return full;
}
