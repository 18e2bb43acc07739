/**
 * The modules Grafana shares with plugins, as the built plugin's AMD define() asks for them: every
 * name create-plugin marks external (.config/bundler/externals.ts) that a Grafana 12 plugin may
 * reasonably import, mapped to the instance ALREADY in the harness bundle. That is the point: the
 * built `dist/module.js` must see the same React, the same @grafana/data classes (so
 * `plugin instanceof AppPlugin` holds) and the same @grafana/runtime, whose backend service the
 * harness installed (org header rewrite, FakeGrafana behind it).
 *
 * Interop, as webpack's AMD externals consume them: named imports read properties; a default import
 * goes through `__webpack_require__.n`, which takes `.default` only when `__esModule` is set. So a
 * CommonJS package is given as its `module.exports` (React, lodash), an ES module as its namespace
 * marked `__esModule` (so `import i18n from 'i18next'` gets the default export).
 *
 * Grafana 12's own list is public/app/features/plugins/loader/sharedDependencies.ts. Deliberately
 * absent here (the loader fails naming them if a build ever needs one): jquery, d3, prismjs, slate*,
 * emotion (v10 name), react/jsx-dev-runtime, angular (gone from Grafana 12) — legacy or development-only externals our plugin must
 * not depend on, and not worth growing every harness bundle for.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as i18next from 'i18next';
import * as lodash from 'lodash';
// Grafana shares moment with plugins; the rule steers app code to @grafana/data's dateTime instead.
// eslint-disable-next-line no-restricted-imports
import * as moment from 'moment';
import * as react from 'react';
import * as reactJsxRuntime from 'react/jsx-runtime';
import * as reactDom from 'react-dom';
import * as reactRedux from 'react-redux';
import * as reactRouter from 'react-router';
import * as redux from 'redux';
import * as rxjs from 'rxjs';

/** esbuild hands a CommonJS package to `import * as` wrapped, with `module.exports` as `default`. */
function commonJs(namespace: object): unknown {
  return (namespace as { default?: unknown }).default ?? namespace;
}

function esModule(namespace: object): Record<string, unknown> {
  return { ...namespace, __esModule: true };
}

export const GRAFANA_EXTERNALS: Readonly<Record<string, unknown>> = Object.freeze({
  react: commonJs(react),
  'react/jsx-runtime': commonJs(reactJsxRuntime),
  'react-dom': commonJs(reactDom),
  '@grafana/data': esModule(grafanaData),
  '@grafana/ui': esModule(grafanaUi),
  '@grafana/runtime': esModule(grafanaRuntime),
  '@emotion/css': esModule(emotionCss),
  '@emotion/react': esModule(emotionReact),
  rxjs: esModule(rxjs),
  lodash: commonJs(lodash),
  moment: commonJs(moment),
  i18next: esModule(i18next),
  // Grafana 12 shares `react-router` as react-router-dom-v5-compat, i.e. react-router v6, and a
  // plugin bundles react-router-dom v6 on top of it (sharedDependencies.ts, "React Router v5 -> v6").
  // The harness's MemoryRouter comes from react-router-dom over this very module, so the built
  // plugin's <Routes> read the harness router's context, as they read Grafana's.
  'react-router': esModule(reactRouter),
  redux: esModule(redux),
  'react-redux': esModule(reactRedux),
});
