// Shared by the browser tests: builds the site with the binary of the `ci` profile (the release
// build without link-time optimisation, which the Rust tests have already compiled), serves a
// folder on 127.0.0.1, and launches Debian's chromium through playwright-core (never a downloaded browser).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import { join, extname, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const repo = resolve(import.meta.dirname, '..', '..');
export const binary = join(repo, 'target', 'ci', 'statusref');

/** Builds the shipped site into a fresh temp folder and returns its path. */
export function buildSite(...args) {
  const out = mkdtempSync(join(tmpdir(), 'statusref-site-'));
  execFileSync(binary, ['build', '--quiet', '--root', repo, '--out', out, ...args], { stdio: 'inherit' });
  return out;
}

const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.xml': 'application/xml',
  '.txt': 'text/plain', '.zip': 'application/zip', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8',
};

/** Serves `root` on 127.0.0.1 the way a static host does; resolves to { url, close }. */
export function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = resolve(root, '.' + path);
    if (!file.startsWith(root + sep) && file !== root) { res.writeHead(404).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': types['.html'] }).end(readFileSync(join(root, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** One page of every kind, plus `n` others drawn at random (printed, so a failure can be rerun). */
export function samplePages(root, n) {
  const kinds = ['index.html', '404.html', 'ftp/index.html', 'ftp/503/index.html', 'ftp/211-vs-503/index.html',
    'ftp/10060/index.html', 'ftp/425-vs-426/index.html', 'http/index.html', 'http/401/index.html',
    'http/401-vs-403/index.html', 'http/499/index.html', 'http/451-vs-451-iis/index.html',
    'smtp/index.html', 'smtp/550/index.html', 'smtp/450-vs-550/index.html',
    'smtp-enhanced/5.7.1/index.html', 'smtp-enhanced/5.1.1-vs-5.7.1/index.html',
    'sip/index.html', 'sip/486/index.html', 'sip/480-vs-486/index.html',
    'dns/index.html', 'dns/nxdomain/index.html', 'dns/notauth-tsig/index.html', 'dns/noerror-vs-nxdomain/index.html',
    'dns-ede/18/index.html', 'dns-ede/6-vs-7/index.html',
    'grpc/index.html', 'grpc/unavailable/index.html', 'grpc/deadline-exceeded-vs-unavailable/index.html',
    'websocket/index.html', 'websocket/1006/index.html', 'websocket/3000-3999/index.html', 'websocket/1001-vs-1006/index.html',
    '503/index.html', '3/index.html', '421/index.html'];
  // Every protocol's folder: a top-level folder whose subfolders are pages.
  const protocols = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'index.html')))
    .map((d) => d.name);
  const all = protocols.flatMap((p) => readdirSync(join(root, p), { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => `${p}/${d.name}/index.html`));
  // A kind whose protocol the content does not have yet is left out rather than failing.
  const picked = new Set(kinds.filter((k) => existsSync(join(root, k))));
  while (picked.size < kinds.length + n) picked.add(all[Math.floor(Math.random() * all.length)]);
  const pages = [...picked];
  console.log(`# sample: ${pages.join(' ')}`);
  return pages;
}
