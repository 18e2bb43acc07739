/**
 * `--tokens-out` / `--mapping-out`: the proxy's files, written after a plan or apply from what
 * Grafana holds then (proxyFiles.ts). Each file is written whole (temp file + rename in the same
 * directory) so a proxy watching it never reads half a file. A shared org whose mapping cannot be
 * built yet is reported and its file left as it was (fail closed: no partial mapping).
 */
import { renameSync, writeFileSync } from 'fs';
import type { TenancyApi } from '../ports';
import { readProxyFiles, renderTeamMappingFile, renderTenantTokensFile } from '../proxyFiles';
import type { TenantSpec } from '../spec';
import { CliFailure } from './exitCodes';

export interface ProxyFileOutputs {
  tokens?: string;
  /** May contain `{id}`, replaced by each shared org's id. */
  mapping?: string;
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The output paths, checked before anything is read or written. */
export function proxyFileOutputs(flags: Record<string, string | true>, spec: TenantSpec): ProxyFileOutputs {
  const tokens = typeof flags['tokens-out'] === 'string' ? flags['tokens-out'] : undefined;
  const mapping = typeof flags['mapping-out'] === 'string' ? flags['mapping-out'] : undefined;
  if (mapping && spec.sharedOrgs.length > 1 && !mapping.includes('{id}')) {
    throw new CliFailure(
      'usage',
      `--mapping-out ${mapping}: the spec has ${spec.sharedOrgs.length} shared orgs, one file each; put {id} in the name, e.g. team-mapping-{id}.yaml`
    );
  }
  if (mapping && spec.sharedOrgs.length === 0) {
    throw new CliFailure(
      'usage',
      `--mapping-out ${mapping}: the spec has no sharedOrgs, so there is no mapping to write`
    );
  }
  return { tokens, mapping };
}

/** Writes the requested files; false when a mapping could not be written. */
export async function writeProxyFiles(
  api: TenancyApi,
  spec: TenantSpec,
  registryOrgId: number,
  outputs: ProxyFileOutputs,
  io: Io
): Promise<boolean> {
  if (!outputs.tokens && !outputs.mapping) {
    return true;
  }
  const files = await readProxyFiles(api, spec, registryOrgId);
  let ok = true;
  if (outputs.tokens) {
    writeWhole(outputs.tokens, renderTenantTokensFile(files.tokens));
    io.out(`wrote ${outputs.tokens} (${Object.keys(files.tokens.tenants).length} tenant(s) in token mode)`);
  }
  if (outputs.mapping) {
    for (const shared of files.sharedOrgs) {
      const file = outputs.mapping.split('{id}').join(shared.id);
      if (!shared.mapping) {
        io.err(`not written: ${file} for shared org "${shared.id}": ${shared.error}`);
        ok = false;
        continue;
      }
      writeWhole(file, renderTeamMappingFile(shared.mapping));
      io.out(`wrote ${file} (org ${shared.mapping.orgId}, ${shared.mapping.teams.length} team(s))`);
    }
  }
  return ok;
}

function writeWhole(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, file);
}
