/**
 * `?page=harness-selftest&askOrg=<id>`: calls GET /api/org through getBackendSrv() with a caller
 * header `X-Grafana-Org-Id: <askOrg>` and shows which org answered. Grafana's real service
 * overwrites that header with the UI org (CONTRACT §2.3), so the answer must be the UI org
 * (`&orgId=`), never `askOrg`. tests/browser/harness.test.ts checks the stand-in does the same.
 */
import React, { useEffect, useState } from 'react';
import { getBackendSrv } from '@grafana/runtime';
import type { HarnessPage } from '../types';

function OrgProbe({ askOrg }: { askOrg: string }) {
  const [answer, setAnswer] = useState<string>('…');
  useEffect(() => {
    getBackendSrv()
      .get<{ id: number; name: string }>('/api/org', undefined, undefined, { headers: { 'X-Grafana-Org-Id': askOrg } })
      .then(
        (org) => setAnswer(`${org.id} ${org.name}`),
        (error) => setAnswer(`error ${error?.status ?? ''} ${error?.data?.message ?? String(error)}`)
      );
  }, [askOrg]);
  return <output data-testid="org-answer">{answer}</output>;
}

const page: HarnessPage = {
  id: 'harness-selftest',
  title: 'Harness self-test: the backendSrv stand-in overwrites X-Grafana-Org-Id',
  render: ({ params }) => <OrgProbe askOrg={params.get('askOrg') ?? '1'} />,
};

export default page;
