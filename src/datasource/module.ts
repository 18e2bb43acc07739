import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { TenantWrapperDataSource } from './datasource';
import type { WrapperOptions, WrapperQuery } from './types';

export const plugin = new DataSourcePlugin<TenantWrapperDataSource, WrapperQuery, WrapperOptions>(
  TenantWrapperDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
