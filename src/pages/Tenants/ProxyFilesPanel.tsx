/**
 * The enforcing proxy's files, offered as downloads (the page's side of the CLI's `--tokens-out`
 * and `--mapping-out`): the tenant tokens file and one team mapping file per shared org, rendered
 * from what Grafana holds (proxyFiles.ts), never from a plan. They carry hashes and ids only.
 * Also the "rotate tokens" control, which applies to the next plan.
 */
import React, { useCallback, useState } from 'react';
import { Alert, Button, Checkbox, Stack, Text } from '@grafana/ui';
import {
  readProxyFiles,
  renderTeamMappingFile,
  renderTenantTokensFile,
  type ProxyFiles,
  type TenancyApi,
  type TenantSpec,
} from '../../tenancy';
import { describeError } from '../../components/appSettings';

export interface ProxyFilesPanelProps {
  api: TenancyApi;
  spec?: TenantSpec;
  /** The provisioning org (where the hashes are kept): the org the page runs in. */
  orgId: number;
  rotateTokens: boolean;
  onRotateTokensChange: (rotate: boolean) => void;
  /** Changes after every apply, so the files are read again. */
  refreshKey?: unknown;
  /** A plan or apply is running: the files would describe a state that is about to change. */
  busy?: boolean;
}

/** Saves `text` as a file through a temporary object URL (Grafana's links refuse data: URLs). */
function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ProxyFilesPanel({
  api,
  spec,
  orgId,
  rotateTokens,
  onRotateTokensChange,
  refreshKey,
  busy,
}: ProxyFilesPanelProps) {
  // Files are shown only for the apply and spec they were read after: an apply changes what they hold.
  const [loaded, setLoaded] = useState<{ files: ProxyFiles; refreshKey: unknown; spec: TenantSpec }>();
  const files = loaded && loaded.refreshKey === refreshKey && loaded.spec === spec ? loaded.files : undefined;
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    if (!spec) {
      return;
    }
    setLoading(true);
    setError(undefined);
    try {
      setLoaded({ files: await readProxyFiles(api, spec, orgId), refreshKey, spec });
    } catch (e) {
      setLoaded(undefined);
      setError(`Reading the token hashes and team mappings failed: ${describeError(e)}`);
    } finally {
      setLoading(false);
    }
  }, [api, spec, orgId, refreshKey]);

  const tokenTenants = files ? Object.keys(files.tokens.tenants).length : 0;
  return (
    <section aria-label="Proxy files">
      <Stack direction="column" gap={1}>
        <Text element="h3">Enforcing proxy files</Text>
        <Text color="secondary" element="p">
          Token-mode tenants and shared orgs are checked by the proxy against these files (
          <code>--tenant-tokens-file</code>, <code>--team-mapping-file</code>). Deploy them after every apply that
          issues or rotates a token or changes a shared org&apos;s teams; the proxy reloads them on change. They hold
          SHA-256 hashes and team ids, no secrets.
        </Text>
        <Checkbox
          label="Rotate tokens in the next plan"
          description="Every token-mode tenant and shared org gets a new token; the old one stays valid until the following apply."
          value={rotateTokens}
          onChange={(e) => onRotateTokensChange(e.currentTarget.checked)}
        />
        <Stack direction="row" gap={2} alignItems="center" wrap="wrap">
          <Button icon="download-alt" variant="secondary" onClick={load} disabled={!spec || loading || busy}>
            {loading ? 'Reading…' : 'Prepare proxy files'}
          </Button>
          {files && (
            <Button
              icon="file-alt"
              variant="secondary"
              data-testid="download-tokens"
              onClick={() => downloadText('proxy-tokens.yaml', renderTenantTokensFile(files.tokens))}
            >
              {`Download proxy-tokens.yaml (${tokenTenants} tenant${tokenTenants === 1 ? '' : 's'})`}
            </Button>
          )}
          {files?.sharedOrgs.map((shared) =>
            shared.mapping ? (
              <Button
                key={shared.id}
                icon="file-alt"
                variant="secondary"
                data-testid={`download-mapping-${shared.id}`}
                onClick={() => downloadText(`team-mapping-${shared.id}.yaml`, renderTeamMappingFile(shared.mapping!))}
              >
                {`Download team-mapping-${shared.id}.yaml (org ${shared.mapping.orgId})`}
              </Button>
            ) : null
          )}
        </Stack>
        {files?.sharedOrgs
          .filter((s) => !s.mapping)
          .map((s) => (
            <Alert key={s.id} severity="warning" title={`No team mapping for shared org "${s.id}" yet`}>
              {s.error}
            </Alert>
          ))}
        {error && (
          <Alert severity="error" title="Proxy files unavailable">
            {error}
          </Alert>
        )}
      </Stack>
    </section>
  );
}
