// Builds the console into dist/public: one minified ES module and one stylesheet, content-hashed,
// an index.html that names them, and a size report (raw and gzip) in dist/public/build-report.json.
// Plain Node with esbuild, so `npm run build` (turbo) needs nothing else.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist', 'public');
const assets = path.join(out, 'assets');
/** where the gateway serves the console; the HTML names its assets absolutely */
const BASE = '/console/';

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: { console: path.join(here, 'src', 'main.tsx'), styles: path.join(here, 'src', 'styles.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: assets,
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.relative(assets, path.resolve(here, p)));
const js = outputs.find((f) => f.startsWith('console-') && f.endsWith('.js'));
const css = outputs.find((f) => f.startsWith('styles-') && f.endsWith('.css'));
if (!js || !css) throw new Error(`esbuild produced no script or stylesheet: ${outputs.join(', ')}`);

const icon = fs.readFileSync(path.join(here, 'src', 'favicon.svg'));
const iconName = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
fs.writeFileSync(path.join(assets, iconName), icon);

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>BotWot console</title>
<link rel="icon" type="image/svg+xml" href="${BASE}assets/${iconName}">
<link rel="stylesheet" href="${BASE}assets/${css}">
<script type="module" src="${BASE}assets/${js}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The BotWot console needs JavaScript.</noscript>
</body>
</html>
`;
fs.writeFileSync(path.join(out, 'index.html'), html);

const size = (file) => {
  const bytes = fs.readFileSync(file);
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const report = {
  script: { file: js, ...size(path.join(assets, js)) },
  stylesheet: { file: css, ...size(path.join(assets, css)) },
  html: size(path.join(out, 'index.html')),
};
fs.writeFileSync(path.join(out, 'build-report.json'), `${JSON.stringify(report, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
process.stdout.write(`console: ${js} ${kb(report.script.bytes)} (${kb(report.script.gzip)} gzip), ${css} ${kb(report.stylesheet.bytes)} (${kb(report.stylesheet.gzip)} gzip)\n`);
