/**
 * Structured JSON logs, one object per line. Callers pass only fixed fields (route, reason,
 * status, durations) and who asked (the request's tenant values, path): never query text, other
 * label values or response data, which may be tenant data.
 */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: string | number | boolean | undefined;
}

export type Logger = (record: LogRecord) => void;

export const jsonStderrLogger: Logger = (record) => {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
};

export const silentLogger: Logger = () => {};
