// The site in a real browser: over http on the normal build, and over file:// on the unzipped
// offline bundle. Search, the compare picker, links, the 404 page, and no console errors anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { buildSite, serve, launch, repo } from './site.mjs';

const artifacts = join(repo, 'test-artifacts');
let browser, server, site, offlineRoot;
const consoleErrors = [];

before(async () => {
  site = buildSite();  // the published site, with its offline bundle
  server = await serve(site);
  const unzipped = mkdtempSync(join(tmpdir(), 'statusref-offline-'));
  execFileSync('python3', ['-m', 'zipfile', '-e', join(site, 'statusref-offline.zip'), unzipped]);
  offlineRoot = join(unzipped, 'statusref');
  mkdirSync(artifacts, { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  assert.deepEqual(consoleErrors, [], 'no console error on any page visited');
});

// Both ways of reading the site: how to reach a folder page, and how its URL ends.
const modes = {
  http: { url: (path) => `${server.url}/${path}`, ends: (path) => path },
  file: { url: (path) => pathToFileURL(join(offlineRoot, path, 'index.html')).href, ends: (path) => `${path}index.html` },
};

async function open(mode, path, viewport = { width: 1280, height: 900 }, { missing = false } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Visiting a missing page on purpose: chromium reports the document's own 404 status.
    const ownStatus = missing && /status of 404/.test(m.text()) && m.location().url === modes[mode].url(path);
    if (!ownStatus) consoleErrors.push(`${mode} ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${mode} ${page.url()}: ${e.message}`));
  await page.goto(modes[mode].url(path));
  return page;
}

async function searchFor(page, text) {
  const input = page.locator('#search-input');
  await input.fill('');
  await input.pressSequentially(text, { delay: 10 });
  await page.locator('#search-results [role=option]').first().waitFor();
  return page.locator('#search-results [role=option]').allInnerTexts();
}

for (const mode of Object.keys(modes)) {
  test(`${mode}: search finds 503 by number, name and summary words`, async () => {
    const page = await open(mode, 'ftp/');
    assert.equal(await page.locator('form.search').isVisible(), true);
    // On FTP's pages its own 503 comes first, and the page of 503 in every protocol next.
    const found = await searchFor(page, '503');
    assert.match(found[0], /^FTP 503 Bad Sequence of Commands/);
    assert.match(found[1], /^What 503 means in FTP, HTTP, SIP and SMTP/);
    assert.match((await searchFor(page, 'bad sequence'))[0], /503 Bad Sequence of Commands/);
    assert.ok((await searchFor(page, 'passive')).some((r) => /227 Entering Passive Mode/.test(r)));
    // The keyboard picks a result and Enter follows it.
    await searchFor(page, '503');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#search-input').getAttribute('aria-activedescendant'), 'search-option-0');
    await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('ftp/503/'))), page.keyboard.press('Enter')]);
    assert.match(await page.locator('h1').innerText(), /503 Bad Sequence of Commands/);
    await page.context().close();
  });

  test(`${mode}: a bare number leads to its page in every protocol, and on to each protocol's code`, async () => {
    const page = await open(mode, '');
    const found = await searchFor(page, '503');
    assert.match(found[0], /^What 503 means in FTP, HTTP, SIP and SMTP/);
    assert.ok(found.slice(1).some((r) => /^HTTP 503 Service Unavailable/.test(r)), found.join(' | '));
    // Narrowed to one protocol, the number means that protocol's code only.
    assert.ok((await searchFor(page, 'grpc 14')).every((r) => !/^What 14 means/.test(r)));
    await searchFor(page, '503');
    await Promise.all([page.waitForURL(modes[mode].url('503/')), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('h1').innerText(), 'What 503 means in FTP, HTTP, SIP and SMTP');
    const meanings = await page.locator('ul.meanings li').allInnerTexts();
    assert.equal(meanings.length, 4);
    assert.ok(meanings.some((m) => /^HTTP 503 Service Unavailable: /.test(m)), meanings.join(' | '));
    // Crawlable both ways: the number's page from the home page, each code's page from it.
    await Promise.all([page.waitForURL(modes[mode].url('http/503/')),
      page.locator('ul.meanings a', { hasText: 'HTTP' }).click()]);
    await Promise.all([page.waitForURL(modes[mode].url('503/')),
      page.locator('p.elsewhere a', { hasText: '503 in other protocols' }).click()]);
    assert.match(await page.locator('h1').innerText(), /^What 503 means/);
    await page.context().close();
  });

  test(`${mode}: search finds a pair typed either way`, async () => {
    const page = await open(mode, 'ftp/');
    for (const query of ['211 vs 503', '503 211', '211-vs-503']) {
      const results = await searchFor(page, query);
      assert.match(results[0], /FTP 211 System Status vs 503 Bad Sequence of Commands/, query);
    }
    await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('ftp/211-vs-503/'))), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('h1').innerText(), 'FTP 211 System Status vs 503 Bad Sequence of Commands');
    await page.context().close();
  });

  test(`${mode}: the compare picker reaches the one page of a pair in both orders`, async () => {
    for (const [from, a, b] of [['ftp/', '503', '211'], ['ftp/', '211', '503'], ['ftp/503/', '503', '211']]) {
      const page = await open(mode, from);
      await page.locator('form.picker select[name=a]').selectOption(a);
      await page.locator('form.picker select[name=b]').selectOption(b);
      await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('ftp/211-vs-503/'))), page.locator('form.picker button').click()]);
      assert.match(await page.locator('h1').innerText(), /211 System Status vs 503/);
      await page.context().close();
    }
    const page = await open(mode, 'ftp/');
    await page.locator('form.picker select[name=a]').selectOption('211');
    await page.locator('form.picker select[name=b]').selectOption('211');
    await page.locator('form.picker button').click();
    assert.equal(await page.locator('.picker-message').innerText(), 'Choose two different codes.');
    await page.context().close();
  });

  test(`${mode}: following links from home reaches a comparison and back`, async () => {
    const page = await open(mode, '');
    await page.getByRole('link', { name: 'FTP', exact: true }).first().click();
    assert.match(await page.locator('h1').innerText(), /FTP reply codes/);
    await page.locator('ul.codes a', { hasText: 'Bad Sequence of Commands' }).click();
    assert.match(await page.locator('h1').innerText(), /503/);
    await page.locator('#compare a').first().click();
    assert.match(await page.locator('h1').innerText(), / vs /);
    const related = page.locator('#related a').first();
    const text = await related.innerText();
    await related.click();
    assert.equal(await page.locator('h1').innerText(), `FTP ${text}`);
    await page.locator('nav.crumbs a', { hasText: 'FTP' }).click();
    assert.match(await page.locator('h1').innerText(), /FTP reply codes/);
    await page.context().close();
  });

  test(`${mode}: HTTP codes are found by number, pair, former name and vendor, each saying its protocol`, async () => {
    const page = await open(mode, 'http/');
    assert.match((await searchFor(page, '401 vs 403'))[0], /^HTTP 401 Unauthorized vs 403 Forbidden/);
    assert.match((await searchFor(page, 'payload too large'))[0], /^HTTP 413 Content Too Large/);
    assert.match((await searchFor(page, 'nginx 499'))[0], /^HTTP 499 Client Closed Request \(nginx\)/);
    // A number two protocols use offers both, each named.
    const both = await searchFor(page, '503');
    assert.ok(both.some((r) => /^FTP 503/.test(r)) && both.some((r) => /^HTTP 503/.test(r)), both.join('|'));
    assert.match(both[0], /^HTTP 503/, 'on an HTTP page, HTTP comes first');
    // One number, two meanings within HTTP: neither hides the other.
    const legal = await searchFor(page, '451');
    assert.ok(legal.some((r) => /Unavailable For Legal Reasons/.test(r)) && legal.some((r) => /451 Redirect/.test(r)), legal.join('|'));
    await searchFor(page, '502 504');
    await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('http/502-vs-504/'))), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('h1').innerText(), 'HTTP 502 Bad Gateway vs 504 Gateway Timeout');
    assert.ok(await page.locator('#in-practice').isVisible(), 'a hand-written note');
    await page.context().close();
  });

  test(`${mode}: the search index loads only when the search box is used, and the picker works without it`, async () => {
    const page = await open(mode, 'smtp-enhanced/5.7.1/');
    await page.locator('form.picker').waitFor();
    assert.equal(await page.evaluate(() => typeof window.statusrefIndex), 'undefined');
    assert.ok(await page.locator('form.picker select[name=b] option').count() > 100, 'the picker lists every code');
    assert.match((await searchFor(page, '5.7.26'))[0], /SMTP 5\.7\.26/);
    assert.equal(await page.evaluate(() => typeof window.statusrefIndex), 'object');
    await page.context().close();
  });

  test(`${mode}: a protocol named in the query or chosen beside the box narrows the results`, async () => {
    const page = await open(mode, '');
    assert.match((await searchFor(page, 'grpc 14'))[0], /^gRPC UNAVAILABLE/);
    assert.match((await searchFor(page, 'http 401 vs 403'))[0], /^HTTP 401 Unauthorized vs 403 Forbidden/);
    assert.match((await searchFor(page, '401 vs 403 sip'))[0], /^SIP 401 Unauthorized vs 403 Forbidden/);
    const everywhere = await searchFor(page, 'not found');
    assert.ok(new Set(everywhere.map((r) => r.split(' ')[0])).size > 1, 'several protocols match "not found"');
    await page.locator('.search-protocol select').selectOption({ label: 'SIP' });
    await page.locator('#search-results [role=option]').first().waitFor();
    const sip = await page.locator('#search-results [role=option]').allInnerTexts();
    assert.ok(sip.length > 0 && sip.every((r) => r.startsWith('SIP ')), sip.join(' | '));
    await page.context().close();
  });

  test(`${mode}: a name, a close code and a pair of named codes find SIP, DNS, gRPC and WebSocket pages`, async () => {
    const page = await open(mode, '');
    assert.ok((await searchFor(page, 'NXDOMAIN')).some((r) => /^DNS NXDOMAIN/.test(r)));
    assert.ok((await searchFor(page, 'busy here')).some((r) => /^SIP 486 Busy Here/.test(r)));
    assert.ok((await searchFor(page, '1006')).some((r) => /^WebSocket 1006 Abnormal Closure/.test(r)));
    const pair = await searchFor(page, 'deadline_exceeded vs unavailable');
    assert.match(pair[0], /^gRPC DEADLINE_EXCEEDED vs UNAVAILABLE/);
    await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('grpc/deadline-exceeded-vs-unavailable/'))), page.keyboard.press('Enter')]);
    assert.match(await page.locator('h1').innerText(), /DEADLINE_EXCEEDED vs UNAVAILABLE/);
    // A range has a page of its own but no comparisons.
    await page.goto(modes[mode].url('websocket/3000-3999/'));
    assert.equal(await page.locator('#compare').count(), 0);
    await page.context().close();
  });

  test(`${mode}: a bounce's reply and enhanced code typed together find both pages`, async () => {
    const page = await open(mode, '');
    for (const query of ['550 5.7.1', '550-5.7.1', '5.7.1 550']) {
      const results = await searchFor(page, query);
      assert.match(results[0], /^SMTP 5\.7\.1 Delivery not authorized/i, query);
      assert.match(results[1], /^SMTP 550 Requested action not taken/, query);
      assert.equal(await page.locator('.search-note').isVisible(), false, `${query}: classes agree`);
    }
    // Classes that disagree: the reader is told, and both pages are still offered.
    const mixed = await searchFor(page, '550 4.7.1 try again later');
    assert.match(mixed[0], /^SMTP 4\.7\.1/);
    assert.match(mixed[1], /^SMTP 550/);
    const note = page.locator('.search-note');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.innerText(), /550 is a 5yz .* reply but 4\.7\.1 is a 4\.X\.X .* status code/);
    assert.match(await page.locator('form.search [role=status]').innerText(), /disagree/);
    // Enter goes to the enhanced code's page, whose reply codes link to theirs.
    await searchFor(page, '421-4.7.0');
    await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('smtp-enhanced/4.7.0/'))), page.keyboard.press('Enter')]);
    assert.match(await page.locator('h1').innerText(), /^SMTP 4\.7\.0/);
    await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('smtp/421/'))),
      page.locator('dl.facts a', { hasText: '421' }).first().click()]);
    assert.match(await page.locator('h1').innerText(), /^SMTP 421/);
    await page.context().close();
  });

  test(`${mode}: the HTTP picker reaches a pair from either code`, async () => {
    for (const [from, a, b] of [['http/', '403', '401'], ['http/401/', '401', '403']]) {
      const page = await open(mode, from);
      await page.locator('form.picker select[name=a]').selectOption(a);
      await page.locator('form.picker select[name=b]').selectOption(b);
      await Promise.all([page.waitForURL((u) => u.href.endsWith(modes[mode].ends('http/401-vs-403/'))), page.locator('form.picker button').click()]);
      assert.equal(await page.locator('h1').innerText(), 'HTTP 401 Unauthorized vs 403 Forbidden');
      await page.context().close();
    }
  });

  test(`${mode}: screenshots at phone and desktop widths`, async () => {
    for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]]) {
      for (const [label, path] of [['home', ''], ['code-503', 'ftp/503/'], ['pair-211-vs-503', 'ftp/211-vs-503/'],
        ['http-code-401', 'http/401/'], ['http-pair-401-vs-403', 'http/401-vs-403/'],
        ['smtp-code-5.7.1', 'smtp-enhanced/5.7.1/'], ['smtp-pair-5.1.1-vs-5.7.1', 'smtp-enhanced/5.1.1-vs-5.7.1/']]) {
        const page = await open(mode, path, viewport);
        await page.screenshot({ path: join(artifacts, `${mode}-${name}-${label}.png`), fullPage: !label.includes('pair') });
        await page.context().close();
      }
      const page = await open(mode, 'ftp/', viewport);
      await searchFor(page, '211 503');
      await page.screenshot({ path: join(artifacts, `${mode}-${name}-search.png`) });
      await searchFor(page, '550 4.7.1');
      await page.screenshot({ path: join(artifacts, `${mode}-${name}-search-mixed.png`) });
      await page.context().close();
    }
  });
}

test('http: a reversed pair URL goes to the canonical page; other missing pages offer search', async () => {
  const page = await open('http', 'ftp/503-vs-211/', undefined, { missing: true });
  await page.waitForURL((u) => u.pathname === '/ftp/211-vs-503/');
  assert.equal(await page.locator('h1').innerText(), 'FTP 211 System Status vs 503 Bad Sequence of Commands');
  await page.context().close();

  const missing = await open('http', 'ftp/999/', undefined, { missing: true });
  assert.equal(await missing.locator('h1').innerText(), 'Page not found');
  assert.equal(await missing.locator('#search-input').isVisible(), true);
  assert.match((await searchFor(missing, '550'))[0], /550/);
  await missing.context().close();
});

test('http: a reversed HTTP pair URL goes to the canonical page', async () => {
  const page = await open('http', 'http/504-vs-502/', undefined, { missing: true });
  await page.waitForURL((u) => u.pathname === '/http/502-vs-504/');
  assert.equal(await page.locator('h1').innerText(), 'HTTP 502 Bad Gateway vs 504 Gateway Timeout');
  await page.context().close();
});

test('http: a click on a search result opens it', async () => {
  const page = await open('http', '');
  await searchFor(page, '425 426');
  await Promise.all([page.waitForURL((u) => u.pathname === '/ftp/425-vs-426/'), page.locator('#search-results [role=option]').first().click()]);
  assert.match(await page.locator('h1').innerText(), /425 .* vs 426/);
  await page.context().close();
});

test('http: the open data is fetchable, and its URLs lead to the data and pages they name', async () => {
  const page = await open('http', '');
  const got = await page.evaluate(async () => {
    const index = await (await fetch('api/v1/index.json')).json();
    const grpc = index.protocols.find((p) => p.slug === 'grpc');
    const protocol = await (await fetch(new URL(grpc.json).pathname)).json();
    const code = protocol.codes.find((c) => c.code === 'UNAVAILABLE');
    const own = await (await fetch(new URL(code.json).pathname)).json();
    const csv = await fetch(new URL(grpc.csv).pathname);
    const pageStatus = (await fetch(new URL(code.url).pathname)).status;
    return { protocols: index.protocols.length, number: own.number, http: own.facts.http_status, csvType: csv.headers.get('content-type'), csvHead: (await csv.text()).split('\n')[0], pageStatus };
  });
  assert.ok(got.protocols >= 9, `${got.protocols} protocols`);
  assert.equal(got.number, 14);
  assert.deepEqual(got.http, ['503']);
  assert.match(got.csvHead, /^code,number,name,/);
  assert.match(got.csvType ?? '', /^text\/csv/);
  assert.equal(got.pageStatus, 200);
  await page.context().close();
});
