import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

// Extends the scaffold's config (left untouched, as create-plugin asks): the nested data source's
// plugin.json names its own img/logo.svg, which the scaffold only copies for the app's plugin.json.
const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    plugins: [new CopyWebpackPlugin({ patterns: [{ from: 'img/logo.svg', to: 'datasource/img/logo.svg' }] })],
  });
};

export default config;
