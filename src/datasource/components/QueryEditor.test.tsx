import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';

import { RecordingTarget } from '../../../tests/wrapper/support/recordingTarget';
import { DEFAULT_JSON, RANGE, wrapperHarness } from '../../../tests/wrapper/support/wrapperHarness';
import { QueryEditor } from './QueryEditor';

function renderEditor(teams: string[]) {
  const { wrapper } = wrapperHarness({
    teams,
    targets: [new RecordingTarget('prom')],
    resource: () => ({ status: 'success', data: [] }),
  });
  const onChange = jest.fn();
  render(
    <QueryEditor
      datasource={wrapper}
      query={{ refId: 'A', expr: 'up{job="x"}' }}
      range={RANGE}
      onChange={onChange}
      onRunQuery={jest.fn()}
    />
  );
  return { onChange };
}

describe('QueryEditor', () => {
  it('shows the PromQL editor and the tenant the query is limited to', async () => {
    renderEditor(['team-a', 'team-b']);
    expect(screen.getByTestId('tenantwrapper-promql-editor').textContent).toContain('up{job="x"}');
    await waitFor(() =>
      expect(screen.getByTestId('tenantwrapper-tenant-line')).toHaveTextContent(
        'This query will be limited to tenant in "a", "b" (teams: team-a, team-b).'
      )
    );
  });

  it('shows the no-team error with the fix', async () => {
    renderEditor([]);
    await waitFor(() =>
      expect(screen.getByTestId('tenantwrapper-tenant-line')).toHaveTextContent(
        'Ask an admin to add you to a team mapped in data source "Tenant data"'
      )
    );
  });
});

describe('QueryEditor with a Loki target', () => {
  it('shows the LogQL field and the Loki options instead of the PromQL editor', async () => {
    const target = new RecordingTarget('loki', 'Central Loki');
    (target as { type: string }).type = 'loki';
    const { wrapper } = wrapperHarness({
      teams: ['team-a'],
      targets: [target],
      jsonData: { ...DEFAULT_JSON, targetUid: 'loki' },
    });
    const onChange = jest.fn();
    render(
      <QueryEditor
        datasource={wrapper}
        query={{ refId: 'A', expr: '{app="api"} |= "error"', queryType: 'range' }}
        range={RANGE}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.getByTestId('tenantwrapper-logql-editor').textContent).toContain('{app="api"} |= "error"');
    expect(screen.queryByTestId('tenantwrapper-promql-editor')).toBeNull();
    fireEvent.change(screen.getByLabelText('Line limit'), { target: { value: '50' } });
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ maxLines: 50, expr: '{app="api"} |= "error"' })
    );
    await waitFor(() =>
      expect(screen.getByTestId('tenantwrapper-tenant-line')).toHaveTextContent(
        'This query will be limited to tenant = "a" (teams: team-a).'
      )
    );
  });
});
