/**
 * A tiny AMD loader for the harness page that runs the BUILT plugin (`dist/`). create-plugin's
 * webpack config emits `library.type: 'amd'`: each entry is one anonymous
 * `define([dependency names], factory)` whose dependencies are the webpack externals (react,
 * @grafana/*, …) plus `module`, from which the entry derives its public path
 * (`module.uri` up to the last `/`, .config/webpack/webpack.config.ts "grafana-public-path"), so
 * lazy chunks such as `280.js` load from beside the entry. Grafana loads plugins with SystemJS, whose
 * AMD extra (systemjs extras/amd.js, createAMDRegister) passes `module` as `{ exports, uri }` with
 * `uri` the module's absolute URL; so do we.
 *
 * Every external is taken from a registry of instances already in the harness bundle — the same
 * React, @grafana/runtime (with the harness backend service) … — and an external missing from the
 * registry fails the load with its name, never silently.
 */

export interface AmdModuleLoad<T> {
  /** What the factory returned (webpack: the entry's exports, e.g. `{ plugin }`). */
  exports: T;
  /** Absolute URL the module was loaded from (also given as `module.uri`). */
  uri: string;
  /** The dependency names the module's define() asked for, in order. */
  dependencies: string[];
}

type Factory = (...deps: unknown[]) => unknown;
interface Definition {
  dependencies: string[];
  factory: Factory | unknown;
}

type DefineFn = (...args: unknown[]) => void;

function parseDefineArgs(args: unknown[], uri: string): Definition {
  // define(factory) | define(deps, factory) | define(id, deps, factory) | define(id, factory)
  const rest = typeof args[0] === 'string' ? args.slice(1) : args;
  if (Array.isArray(rest[0])) {
    return { dependencies: rest[0].map(String), factory: rest[1] };
  }
  if (rest.length === 1) {
    return { dependencies: typeof rest[0] === 'function' ? ['require', 'exports', 'module'] : [], factory: rest[0] };
  }
  throw new Error(`${uri} called define() with arguments the harness loader does not understand`);
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Loads `url` with a classic <script> (as SystemJS does, so webpack's chunk loader and SRI checks
 * run as in Grafana) and evaluates its define() with dependencies from `registry`. Loads are
 * serialised: define() is anonymous, so at most one may be pending.
 */
export function loadAmdModule<T>(url: string, registry: Readonly<Record<string, unknown>>): Promise<AmdModuleLoad<T>> {
  const run = () => loadOne<T>(url, registry);
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function loadOne<T>(url: string, registry: Readonly<Record<string, unknown>>): Promise<AmdModuleLoad<T>> {
  const uri = new URL(url, window.location.href).href;
  const globals = window as unknown as { define?: DefineFn };
  const previous = globals.define;
  let definition: Definition | undefined;
  return new Promise<AmdModuleLoad<T>>((resolve, reject) => {
    // No `define.amd` marker on purpose: UMD code inside the harness bundle checks for it and would
    // otherwise hand its exports to this loader instead of to its importer.
    globals.define = (...args: unknown[]) => {
      if (definition) {
        throw new Error(`${uri} called define() twice; a create-plugin entry defines exactly one module`);
      }
      definition = parseDefineArgs(args, uri);
    };
    const script = document.createElement('script');
    script.src = uri;
    script.async = true;
    const finish = () => {
      globals.define = previous;
      script.remove();
    };
    script.onerror = () => {
      finish();
      reject(
        new Error(
          `GET ${uri} failed: the built plugin is not served. The harness serves dist/ under /public/plugins/; run npm run build first`
        )
      );
    };
    script.onload = () => {
      finish();
      if (!definition) {
        reject(
          new Error(`${uri} loaded but never called define(): it is not an AMD module (webpack library.type 'amd')`)
        );
        return;
      }
      try {
        resolve(instantiate<T>(uri, definition, registry));
      } catch (error) {
        reject(error);
      }
    };
    document.head.appendChild(script);
  });
}

function instantiate<T>(uri: string, definition: Definition, registry: Readonly<Record<string, unknown>>) {
  const exportsObject: Record<string, unknown> = {};
  const moduleObject = { uri, exports: exportsObject };
  const resolveDependency = (name: string): unknown => {
    if (name === 'module') {
      return moduleObject;
    }
    if (name === 'exports') {
      return exportsObject;
    }
    if (name === 'require') {
      return (dep: string) => resolveDependency(dep);
    }
    if (!Object.prototype.hasOwnProperty.call(registry, name)) {
      throw new Error(
        `${uri} needs the external "${name}", which the harness does not provide. Grafana shares it with plugins ` +
          `(create-plugin externals, .config/bundler/externals.ts): add it to tests/browser/harness/grafanaExternals.ts, ` +
          `or stop importing it`
      );
    }
    return registry[name];
  };
  const values = definition.dependencies.map(resolveDependency);
  const returned =
    typeof definition.factory === 'function' ? (definition.factory as Factory)(...values) : definition.factory;
  return {
    exports: (returned ?? moduleObject.exports) as T,
    uri,
    dependencies: definition.dependencies,
  };
}
