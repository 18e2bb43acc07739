/**
 * Entry point: `npm run -s proxy -- --upstream http://prometheus:9090 --label tenant --header-name X-Tenant`.
 * Flags mirror prom-label-proxy (see options.ts). SIGTERM/SIGINT drain in-flight requests.
 */
import { jsonStderrLogger } from './log';
import { OptionsError, parseProxyArgs, usage } from './options';
import { createProxy } from './server';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h') || argv.includes('-help')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  let options;
  try {
    options = parseProxyArgs(argv);
  } catch (err) {
    if (err instanceof OptionsError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const proxy = createProxy(options, { logger: jsonStderrLogger, processMetrics: true });
  await proxy.listen();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    jsonStderrLogger({ level: 'info', msg: 'shutting down, draining in-flight requests', signal });
    proxy.close().then(
      () => process.exit(0),
      (err: Error) => {
        jsonStderrLogger({ level: 'error', msg: 'shutdown failed', error: err.message });
        process.exit(1);
      }
    );
  };
  // SIGHUP re-reads the tokens file / team mapping file; requests keep being served meanwhile.
  process.on('SIGHUP', () => {
    jsonStderrLogger({ level: 'info', msg: 'reloading identity files', signal: 'SIGHUP' });
    void proxy.reload();
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  jsonStderrLogger({ level: 'error', msg: 'proxy failed to start', error: err.message });
  process.exit(1);
});
