import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as echarts from 'echarts';
import { chromium } from 'playwright-core';
import type { StepResult } from './bench-results';

const WIDTH = 960;
const HEIGHT = 540;
const REPO_ROOT = resolve(__dirname, '../../..');

type Pick = (s: StepResult) => number;

/** The chart's options: delays as lines on a log axis (a step that fell behind is far off), lag as bars. */
function chartOption(steps: readonly StepResult[]): echarts.EChartsCoreOption {
  const points = (pick: Pick) =>
    steps.map((s) => [s.ratePerSecond, Number.isFinite(pick(s)) ? Math.max(1, pick(s)) : null]);
  const delay = (name: string, pick: Pick, dashed = false) => ({
    name,
    type: 'line',
    yAxisIndex: 0,
    data: points(pick),
    lineStyle: dashed ? { type: 'dashed' } : {},
  });
  const lag = (name: string, pick: Pick) => ({
    name,
    type: 'bar',
    yAxisIndex: 1,
    barWidth: 14,
    data: points(pick),
  });
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: 'Aggregator: delay and lag against offered rate', left: 'center' },
    legend: { bottom: 8, itemGap: 24 },
    grid: { top: 60, left: 70, right: 90, bottom: 90 },
    xAxis: { type: 'value', name: 'offered records/s', nameLocation: 'middle', nameGap: 30 },
    yAxis: [
      { type: 'log', name: 'delay ms (log)' },
      { type: 'value', name: 'peak lag, records', splitLine: { show: false } },
    ],
    series: [
      delay('by-country p50', (s) => s.byCountry.p50, true),
      delay('by-country p99', (s) => s.byCountry.p99),
      delay('trending p50', (s) => s.trendingRecord.p50, true),
      delay('trending p99', (s) => s.trendingRecord.p99),
      lag('lag (by-country)', (s) => s.lag.countryMax),
      lag('lag (trending)', (s) => s.lag.trendingMax),
    ],
  };
}

/** Delay (p50, p99) and peak lag against the offered rate, as an SVG (ECharts server-side rendering). */
export function chartSvg(steps: readonly StepResult[]): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: WIDTH,
    height: HEIGHT,
  });
  chart.setOption(chartOption(steps));
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** The SVG as a PNG, rendered by Debian's Chromium (tools/browser/ensure-chromium.sh) through playwright-core. */
export async function writePng(svg: string, file: string): Promise<void> {
  const executablePath = execFileSync(resolve(REPO_ROOT, 'tools/browser/ensure-chromium.sh'), {
    encoding: 'utf8',
  }).trim();
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.setContent(`<html><body style="margin:0;background:#fff">${svg}</body></html>`);
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
  } finally {
    await browser.close();
  }
}
