import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../../src/config.js';
import { withCuesTable } from '../../src/contract/cues.js';
import { publishedDocuments } from '../../src/contract/published.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const { version } = JSON.parse(read('package.json')) as { version: string };

describe('generated documentation', () => {
  it.each(Object.entries(publishedDocuments(version)))('%s matches the schemas (run `npm run docs`)', (path, document) => {
    expect(JSON.parse(read(path))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it("README's configuration table matches the config schema (run `npm run docs`)", () => {
    const readme = read('README.md');
    expect(readme).toContain('<!-- config-table:start -->');
    expect(withConfigTable(readme)).toBe(readme);
  });

  it("README's cues file table matches the cue schema (run `npm run docs`)", () => {
    const readme = read('README.md');
    expect(readme).toContain('<!-- cues-table:start -->');
    expect(withCuesTable(readme)).toBe(readme);
  });
});
