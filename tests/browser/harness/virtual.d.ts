// Generated at bundle time by build.ts from the files in ./pages (one HarnessPage per file).
declare module 'harness:pages' {
  import type { HarnessPage } from './types';
  const pages: HarnessPage[];
  export default pages;
}
