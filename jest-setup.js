// The scaffold's setup patches DOM globals (HTMLCanvasElement, matchMedia); node-environment
// suites (engine, proxy, integration with real processes) have no DOM, so only jsdom suites load it.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');
}
