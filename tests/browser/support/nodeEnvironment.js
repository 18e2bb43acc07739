/**
 * Node test environment for browser tests. jest.browser.config.js inherits the unit config's
 * setupFilesAfterEnv (the scaffold's jsdom setup, which patches HTMLCanvasElement); in plain Node
 * that global does not exist and every browser test file would fail to load. A stub class is
 * enough: nothing in a browser test draws on a canvas in Node.
 */
const { TestEnvironment } = require('jest-environment-node');

class BrowserTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    if (this.global.HTMLCanvasElement === undefined) {
      this.global.HTMLCanvasElement = class HTMLCanvasElement {};
    }
  }
}

module.exports = BrowserTestEnvironment;
