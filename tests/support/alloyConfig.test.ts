/** @jest-environment node */
import { componentId, forwardTargets, parseAlloyConfig } from './alloyConfig';

describe('parseAlloyConfig (the subset the compose agents use)', () => {
  it('reads blocks, labels, nested blocks, comments and every value kind', () => {
    const [block] = parseAlloyConfig(`
      /* header */
      loki.relabel "force" { // trailing
        forward_to = [loki.write.default.receiver, loki.echo.x.receiver,]
        max_cache_size = 10
        rule {
          action = "replace"
          regex  = \`(.*)\`
          source_labels = ["a", "b\\"c"]
          replacement = "x\\ny"
        }
        opts = {"k" = true, other = null, n = -1.5}
      }`);
    expect(componentId(block)).toBe('loki.relabel.force');
    expect(forwardTargets(block)).toEqual(['loki.write.default', 'loki.echo.x']);
    expect(block.attributes.max_cache_size).toBe(10);
    expect(block.attributes.opts).toEqual({ k: true, other: null, n: -1.5 });
    expect(block.blocks[0]).toEqual({
      name: 'rule',
      attributes: { action: 'replace', regex: '(.*)', source_labels: ['a', 'b"c'], replacement: 'x\ny' },
      blocks: [],
    });
  });

  it.each([
    ['a function call', 'loki.write "w" { endpoint { url = sys.env("URL") } }', /unsupported character "\("/],
    ['an operator', 'x "y" { a = 1 + 2 }', /unsupported character "\+"/],
    ['an unclosed block', 'x "y" { a = 1', /not closed/],
    ['an unterminated string', 'x "y" { a = "b }', /unterminated string/],
    ['a top-level attribute', 'a = 1', /top-level attribute/],
    ['an attribute given twice', 'x { a = 1\n a = 2 }', /given twice/],
    ['an unknown escape', 'x { a = "\\q" }', /unsupported escape/],
  ])('refuses %s with its position', (_name, text, message) => {
    expect(() => parseAlloyConfig(text)).toThrow(message);
  });

  it('refuses forward_to entries that are not component receivers', () => {
    const [block] = parseAlloyConfig('loki.process "p" { forward_to = ["loki.write.w.receiver"] }');
    expect(() => forwardTargets(block)).toThrow(/not a component receiver/);
  });
});
