import React, { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceSettings } from '@grafana/data';
import { setDataSourceSrv } from '@grafana/runtime';

import { FakeDataSourceSrv, RecordingTarget } from '../../../tests/wrapper/support/recordingTarget';
import type { WrapperOptions } from '../types';
import { ConfigEditor, parseValues, rowProblem } from './ConfigEditor';

function settings(jsonData: WrapperOptions): DataSourceSettings<WrapperOptions> {
  return {
    id: 1,
    uid: 'wrapper',
    orgId: 1,
    name: 'Tenant data',
    type: 'mtlabs-tenantwrapper-datasource',
    jsonData,
  } as DataSourceSettings<WrapperOptions>;
}

/** Holds the options like Grafana's data source settings page does. */
function Host({ initial, seen }: { initial: WrapperOptions; seen: WrapperOptions[] }) {
  const [options, setOptions] = useState(settings(initial));
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(o) => {
        seen.push(o.jsonData);
        setOptions(o);
      }}
    />
  );
}

describe('ConfigEditor', () => {
  beforeAll(() => setDataSourceSrv(new FakeDataSourceSrv([new RecordingTarget('prom', 'Central Prometheus')])));

  it('edits the team mapping, convention, tenant label and error-on-replace', () => {
    const seen: WrapperOptions[] = [];
    render(<Host initial={{ targetUid: 'prom', teamMappings: [{ team: 'team-a', values: ['a'] }] }} seen={seen} />);
    expect(screen.getByText('Users in no mapped team: denied, always')).toBeInTheDocument();
    expect(screen.getByLabelText('Team name 1')).toHaveValue('team-a');

    fireEvent.click(screen.getByRole('button', { name: /Add team/ }));
    fireEvent.change(screen.getByLabelText('Team name 2'), { target: { value: 'ops' } });
    fireEvent.change(screen.getByLabelText('Tenant values 2'), { target: { value: 'a, b,' } });
    expect(seen.at(-1)?.teamMappings).toEqual([
      { team: 'team-a', values: ['a'] },
      { team: 'ops', values: ['a', 'b'] },
    ]);

    fireEvent.change(screen.getByLabelText('Tenant label'), { target: { value: 'customer' } });
    expect(seen.at(-1)?.tenantLabel).toBe('customer');

    expect(screen.queryByLabelText('Team name prefix')).toBeNull();
    fireEvent.click(screen.getByLabelText('Team name minus prefix'));
    fireEvent.change(screen.getByLabelText('Team name prefix'), { target: { value: 'tenant-' } });
    expect(seen.at(-1)).toMatchObject({ convention: 'strip-prefix', conventionPrefix: 'tenant-' });

    fireEvent.click(screen.getByLabelText('Error on replace'));
    expect(seen.at(-1)?.errorOnReplace).toBe(true);

    fireEvent.click(screen.getByLabelText('Remove mapping 1'));
    expect(seen.at(-1)?.teamMappings).toEqual([{ team: 'ops', values: ['a', 'b'] }]);
  });

  it('asks for a target when none is picked', () => {
    render(<Host initial={{}} seen={[]} />);
    expect(screen.getByText('Pick the Prometheus or Loki data source to wrap.')).toBeInTheDocument();
  });

  it.each([
    [{ team: '', values: ['a'] }, 'Enter the exact Grafana team name.'],
    [{ team: 'x', values: [] }, 'Enter at least one tenant value (comma-separated).'],
    [{ team: 'x', values: ['a'] }, undefined],
  ])('row problem %o', (row, problem) => {
    expect(rowProblem(row, [row])).toBe(problem);
  });

  it('parses comma-separated values, dropping empty ones', () => {
    expect(parseValues(' a, ,b ,')).toEqual(['a', 'b']);
  });
});
