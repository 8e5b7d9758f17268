// Bundles the console's page (web/) into dist/public/: index.html, and under assets/ the
// JavaScript module, the stylesheet and the icon. tools/build.sh runs it after SWC.
//
// The world map is made here, not fetched by the page: world-atlas's 1:110m countries
// (TopoJSON, features keyed by ISO 3166-1 numeric code) become GeoJSON features named by the
// lowercase ISO alpha-2 code the RSVP stream uses, through world-countries' ccn3 → cca2 table.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature, merge } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, 'web');
const out = join(here, 'dist', 'public');
const require = createRequire(import.meta.url);

/** Features world-atlas leaves without a numeric id, matched by name instead. */
const UNNUMBERED = { Kosovo: 'xk', 'N. Cyprus': 'cy', Somaliland: 'so' };
/** Not drawn: nobody RSVPs there, and it takes a sixth of the map's height. */
const LEFT_OUT = new Set(['aq']);
/** 0.1° is about a pixel on a laptop-wide world map; finer coordinates only add bytes. */
const DECIMALS = 1;

async function worldMap() {
  const topology = JSON.parse(
    await readFile(require.resolve('world-atlas/countries-110m.json'), 'utf8'),
  );
  const countries = JSON.parse(
    await readFile(require.resolve('world-countries/countries.json'), 'utf8'),
  );
  const byNumber = new Map(countries.filter((c) => c.ccn3).map((c) => [c.ccn3, c]));
  const names = Object.fromEntries(countries.map((c) => [c.cca2.toLowerCase(), c.name.common]));

  const byCode = new Map();
  for (const geometry of topology.objects.countries.geometries) {
    const code =
      byNumber.get(geometry.id)?.cca2.toLowerCase() ?? UNNUMBERED[geometry.properties?.name];
    if (code === undefined)
      throw new Error(`world map: no ISO code for ${geometry.properties?.name}`);
    if (LEFT_OUT.has(code)) continue;
    byCode.set(code, [...(byCode.get(code) ?? []), geometry]);
  }
  const features = [...byCode].map(([code, geometries]) => ({
    type: 'Feature',
    properties: { name: code },
    // One region per code: parts the stream does not tell apart are merged, inner border gone.
    geometry: compact(
      geometries.length === 1
        ? feature(topology, geometries[0]).geometry
        : merge(topology, geometries),
    ),
  }));
  return { geo: { type: 'FeatureCollection', features }, names };
}

/** Rounds coordinates, drops repeated points, and cuts polygons at the antimeridian. */
function compact(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const scale = 10 ** DECIMALS;
  const ring = (points) => {
    const kept = [];
    for (const [x, y] of points) {
      const p = [Math.round(x * scale) / scale, Math.round(y * scale) / scale];
      const last = kept.at(-1);
      if (!last || last[0] !== p[0] || last[1] !== p[1]) kept.push(p);
    }
    return kept;
  };
  const parts = polygons
    .flatMap(cutAtAntimeridian)
    .map((rings) => rings.map(ring).filter((r) => r.length >= 4))
    .filter((rings) => rings.length > 0);
  return parts.length === 1
    ? { type: 'Polygon', coordinates: parts[0] }
    : { type: 'MultiPolygon', coordinates: parts };
}

/**
 * World-atlas keeps spherical polygons whole: Russia's and Fiji's rings jump from +180° to
 * −180°. A flat map (ECharts draws longitude and latitude as x and y) would join those points
 * by a line across the whole world, so such a polygon becomes its western and eastern halves.
 */
function cutAtAntimeridian(rings) {
  const crosses = rings.some((r) => r.some((p, i) => i > 0 && Math.abs(p[0] - r[i - 1][0]) > 180));
  if (!crosses) return [rings];
  const unwrapped = rings.map((r) => r.map(([x, y]) => [x < 0 ? x + 360 : x, y]));
  const west = unwrapped.map((r) => clipRing(r, (x) => x <= 180));
  const east = unwrapped
    .map((r) => clipRing(r, (x) => x >= 180))
    .map((r) => r.map(([x, y]) => [x - 360, y]));
  return [west, east].map((half) => half.filter((r) => r.length >= 4)).filter((h) => h.length);
}

/** Sutherland–Hodgman against the line x = 180: the part of a closed ring where `inside(x)`. */
function clipRing(ring, inside) {
  const out = [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const [a, b] = [ring[i], ring[i + 1]];
    if (inside(a[0])) out.push(a);
    if (inside(a[0]) !== inside(b[0])) {
      const t = (180 - a[0]) / (b[0] - a[0]);
      out.push([180, a[1] + t * (b[1] - a[1])]);
    }
  }
  if (out.length > 0) out.push(out[0]);
  return out;
}

/** `import { geo, names } from 'virtual:world-map'` in the page's code. */
const worldMapModule = {
  name: 'world-map',
  setup(bundle) {
    bundle.onResolve({ filter: /^virtual:world-map$/ }, (args) => ({
      path: args.path,
      namespace: 'world-map',
    }));
    bundle.onLoad({ filter: /.*/, namespace: 'world-map' }, async () => {
      const { geo, names } = await worldMap();
      // JSON.parse of a string is faster for V8 than the same data as an object literal.
      const json = (value) => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;
      return {
        contents: `export const geo = ${json(geo)};\nexport const names = ${json(names)};\n`,
        loader: 'js',
      };
    });
  },
};

const started = Date.now();
await mkdir(join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: [
    { in: join(web, 'main.ts'), out: 'app' },
    { in: join(web, 'styles.css'), out: 'app' },
  ],
  outdir: join(out, 'assets'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  tsconfig: join(web, 'tsconfig.json'),
  plugins: [worldMapModule],
  metafile: true,
  logLevel: 'warning',
});
await copyFile(join(web, 'index.html'), join(out, 'index.html'));
await copyFile(join(web, 'favicon.svg'), join(out, 'assets', 'favicon.svg'));

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, { bytes }]) => `${file.split('/').at(-1)} ${Math.round(bytes / 1024)} KiB`);
console.log(`console page built in ${Date.now() - started} ms: ${sizes.join(', ')}`);
