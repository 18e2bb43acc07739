import React, { useState } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, IconButton, Input, RadioButtonGroup, Stack, Switch, Text } from '@grafana/ui';

import {
  DEFAULT_TENANT_LABEL,
  TARGET_TYPES,
  type TargetKind,
  type TeamConvention,
  type TeamMappingRow,
  type WrapperOptions,
} from '../types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<WrapperOptions>;

const CONVENTIONS: Array<{ label: string; value: TeamConvention; description: string }> = [
  { label: 'Explicit rows only', value: 'none', description: 'Only the rows below map teams to tenants.' },
  {
    label: 'Team name is the value',
    value: 'team-name',
    description: 'A team without a row maps to the tenant of the same name.',
  },
  {
    label: 'Team name minus prefix',
    value: 'strip-prefix',
    description: 'A team "<prefix><tenant>" without a row maps to <tenant>.',
  },
];

/** `a, b ,c` → ["a", "b", "c"]; empty pieces dropped (an empty value would match untenanted series). */
export function parseValues(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Row problems shown next to the row; the resolver ignores such rows too. */
export function rowProblem(row: TeamMappingRow, rows: readonly TeamMappingRow[]): string | undefined {
  if (row.team.trim() === '') {
    return 'Enter the exact Grafana team name.';
  }
  if (row.values.length === 0) {
    return 'Enter at least one tenant value (comma-separated).';
  }
  if (rows.filter((r) => r.team.trim() === row.team.trim()).length > 1) {
    return `Team "${row.team.trim()}" has more than one row; their values are combined.`;
  }
  return undefined;
}

interface MappingRowEditorProps {
  row: TeamMappingRow;
  index: number;
  problem?: string;
  onChange: (row: TeamMappingRow) => void;
  onRemove: () => void;
}

function MappingRowEditor({ row, index, problem, onChange, onRemove }: MappingRowEditorProps) {
  // Keep the raw text while typing so that "a," is not normalised away mid-edit; when the values
  // changed elsewhere the draft no longer matches them and the values are shown instead.
  const [draft, setDraft] = useState(row.values.join(', '));
  const valuesText = parseValues(draft).join('\u0000') === row.values.join('\u0000') ? draft : row.values.join(', ');
  return (
    <Field label={index === 0 ? 'Team → tenant values' : undefined} invalid={Boolean(problem)} error={problem}>
      <Stack direction="row" gap={1} alignItems="center">
        <Input
          aria-label={`Team name ${index + 1}`}
          placeholder="Grafana team name"
          value={row.team}
          width={30}
          onChange={(e) => onChange({ ...row, team: e.currentTarget.value })}
        />
        <Input
          aria-label={`Tenant values ${index + 1}`}
          placeholder="tenant values, comma-separated"
          value={valuesText}
          width={40}
          onChange={(e) => {
            setDraft(e.currentTarget.value);
            onChange({ ...row, values: parseValues(e.currentTarget.value) });
          }}
        />
        <IconButton name="trash-alt" aria-label={`Remove mapping ${index + 1}`} onClick={onRemove} />
      </Stack>
    </Field>
  );
}

export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const jsonData = options.jsonData ?? {};
  const rows = jsonData.teamMappings ?? [];
  const convention = jsonData.convention ?? 'none';
  const update = (patch: Partial<WrapperOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const setRows = (next: TeamMappingRow[]) => update({ teamMappings: next });

  return (
    <>
      <FieldSet label="Target">
        <Field
          label="Prometheus or Loki data source"
          description="Every query, variable, ad-hoc filter and suggestion is limited to the user's tenant and then sent to this data source."
          invalid={!jsonData.targetUid}
          error={!jsonData.targetUid ? 'Pick the Prometheus or Loki data source to wrap.' : undefined}
        >
          <DataSourcePicker
            filter={(ds) => TARGET_TYPES.includes(ds.type as TargetKind)}
            current={jsonData.targetUid ?? null}
            noDefault
            width={40}
            onChange={(ds) => update({ targetUid: ds.uid })}
          />
        </Field>
        <Field
          label="Tenant label"
          description={`Label that carries the tenant on every series or log stream (default "${DEFAULT_TENANT_LABEL}").`}
        >
          <Input
            aria-label="Tenant label"
            width={30}
            placeholder={DEFAULT_TENANT_LABEL}
            value={jsonData.tenantLabel ?? ''}
            onChange={(e) => update({ tenantLabel: e.currentTarget.value })}
          />
        </Field>
        <Field
          label="Reject queries that set the tenant label"
          description="On: a query with its own tenant matcher is refused with an error. Off: that matcher is replaced by the user's tenant."
        >
          <Switch
            aria-label="Error on replace"
            value={jsonData.errorOnReplace ?? false}
            onChange={(e) => update({ errorOnReplace: e.currentTarget.checked })}
          />
        </Field>
      </FieldSet>

      <FieldSet label="Team → tenant mapping">
        <Text color="secondary" element="p">
          The signed-in user&apos;s teams in this organization decide the tenant values. Several mapped teams give
          several values.
        </Text>
        {rows.map((row, i) => (
          <MappingRowEditor
            key={i}
            row={row}
            index={i}
            problem={rowProblem(row, rows)}
            onChange={(next) => setRows(rows.map((r, j) => (j === i ? next : r)))}
            onRemove={() => setRows(rows.filter((_, j) => j !== i))}
          />
        ))}
        <Button variant="secondary" icon="plus" onClick={() => setRows([...rows, { team: '', values: [] }])}>
          Add team
        </Button>
        <Field label="Teams without a row" description={CONVENTIONS.find((c) => c.value === convention)?.description}>
          <RadioButtonGroup options={CONVENTIONS} value={convention} onChange={(v) => update({ convention: v })} />
        </Field>
        {convention === 'strip-prefix' && (
          <Field
            label="Prefix"
            invalid={!jsonData.conventionPrefix}
            error={!jsonData.conventionPrefix ? 'Enter the prefix, e.g. "tenant-".' : undefined}
          >
            <Input
              aria-label="Team name prefix"
              width={30}
              placeholder="tenant-"
              value={jsonData.conventionPrefix ?? ''}
              onChange={(e) => update({ conventionPrefix: e.currentTarget.value })}
            />
          </Field>
        )}
        {convention !== 'none' && !jsonData.teamsManagedBySpec && (
          <Alert severity="error" title="Name conventions are refused for teams the tenant spec does not manage">
            Anyone who can create or rename a team could name it after a tenant and claim that tenant&apos;s data, so
            the wrapper refuses every query while a convention is set here. Map teams with explicit rows, or let the
            tenancy app manage this org (a sharedOrgs entry in the tenant spec), which maps teams by uid.
          </Alert>
        )}
        {(jsonData.teamTenants?.length ?? 0) > 0 && (
          <Text color="secondary" element="p" data-testid="team-tenants">
            {jsonData.teamTenants!.length} team(s) mapped by uid by the tenancy app (edit them in the tenant spec):{' '}
            {jsonData.teamTenants!.map((t) => `${t.uid ?? `#${t.id}`} → ${t.values.join(', ')}`).join('; ')}
          </Text>
        )}
        <Alert severity="info" title="Users in no mapped team: denied, always">
          A user who is in none of the mapped teams gets an error and no query is sent — not even for Grafana server
          admins. Falling back to &quot;all tenants&quot; would show every tenant&apos;s data to anyone not yet assigned
          to a team, so this rule cannot be changed. The same holds when the team lookup fails.
        </Alert>
      </FieldSet>
    </>
  );
}
