// The W3C Nu HTML checker, axe-core (WCAG 2.2 AA) in real chromium, and an offline link check of
// the whole output: each must report nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSite, serve, launch, samplePages, repo } from './site.mjs';

const require = createRequire(import.meta.url);
let site, server, pages;

before(async () => {
  site = buildSite();
  server = await serve(site);
  pages = samplePages(site, 20);
});
after(async () => server?.close());

test('the Nu HTML checker finds no errors', () => {
  const jar = join(repo, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...pages.map((p) => join(site, p))], { encoding: 'utf8' });
  const messages = JSON.parse(run.stderr || '{"messages":[]}').messages;
  assert.deepEqual(messages.map((m) => `${m.url}:${m.lastLine}: ${m.message}`), []);
  assert.equal(run.status, 0);
});

test('axe-core finds no WCAG 2.2 AA violation, in light and dark schemes', async () => {
  const browser = await launch();
  try {
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      for (const path of pages) {
        await page.goto(`${server.url}/${path.replace(/index\.html$/, '')}`);
        await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const result = await page.evaluate(() => axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
        }));
        const found = result.violations.map((v) => `${colorScheme} ${path}: ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`);
        assert.deepEqual(found, []);
        assert.ok(result.passes.length > 10, `axe ran its checks on ${path}`);
      }
      // The search results, open.
      await page.goto(`${server.url}/ftp/`);
      await page.locator('#search-input').pressSequentially('211 503');
      await page.locator('#search-results [role=option]').first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const open = await page.evaluate(() => axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      }));
      assert.deepEqual(open.violations.map((v) => `${colorScheme} open search: ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), []);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('lychee finds no broken link in the whole output', () => {
  const out = execFileSync('lychee', ['--offline', '--no-progress', '--index-files', 'index.html',
    '--root-dir', site, '--include-fragments', `${site}/**/*.html`], { encoding: 'utf8' });
  assert.match(out, / 0 Errors/);
});
