import type { ResponsesView } from '@meetup/console-views';
import { formatClock, formatCount } from '../src/web-logic/format';
import { LiveChart, type ConsoleChartOption } from './charts';
import type { ChartTheme } from './theme';

type Series = ResponsesView['series'];

interface AxisPoint {
  seriesName?: string;
  value?: unknown;
}

/** Yes and no responses per bucket of the range, stacked. */
export class RsvpSeriesChart {
  private readonly chart: LiveChart;
  private view: Pick<ResponsesView, 'from' | 'to' | 'series'> = {
    from: undefined,
    to: undefined,
    series: [],
  };

  constructor(
    container: HTMLElement,
    private theme: ChartTheme,
  ) {
    this.chart = new LiveChart(container);
    this.draw();
  }

  update(view: ResponsesView): void {
    this.view = view;
    this.draw();
  }

  applyTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.draw();
  }

  private draw(): void {
    this.chart.draw(this.option());
  }

  private option(): ConsoleChartOption {
    const { theme, view } = this;
    const axis = {
      axisLine: { lineStyle: { color: theme.grid } },
      axisLabel: { color: theme.muted },
      splitLine: { lineStyle: { color: theme.grid } },
    };
    const bars = (name: 'yes' | 'no', pick: (p: Series[number]) => number, color: string) => ({
      name,
      type: 'bar' as const,
      stack: 'answers',
      barCategoryGap: '15%',
      itemStyle: { color },
      data: view.series.map((p) => [p.t, pick(p)]),
    });
    return {
      backgroundColor: 'transparent',
      animationDuration: 300,
      animationDurationUpdate: 200,
      grid: { left: 44, right: 8, top: 28, bottom: 24 },
      legend: { top: 0, right: 0, textStyle: { color: theme.text } },
      tooltip: {
        trigger: 'axis',
        renderMode: 'richText',
        backgroundColor: theme.surface,
        borderColor: theme.grid,
        textStyle: { color: theme.text },
        formatter: (params) => describe(params as unknown as AxisPoint[]),
      },
      xAxis: {
        type: 'time',
        min: view.from,
        max: view.to,
        ...axis,
        axisLabel: { color: theme.muted, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: { type: 'value', minInterval: 1, ...axis },
      series: [bars('yes', (p) => p.yes, theme.yes), bars('no', (p) => p.no, theme.no)],
    };
  }
}

function describe(points: AxisPoint[]): string {
  const first = points[0]?.value;
  const time = Array.isArray(first) && typeof first[0] === 'number' ? formatClock(first[0]) : '';
  const lines = points.map((p) => {
    const value = Array.isArray(p.value) && typeof p.value[1] === 'number' ? p.value[1] : 0;
    return `${p.seriesName ?? ''}: ${formatCount(value)}`;
  });
  return [time, ...lines].join('\n');
}
