/** ECharts, tree-shaken: only the charts and components the page uses, drawn on canvas. */
import { BarChart, MapChart, type BarSeriesOption, type MapSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import { init, registerMap, use, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { geo } from 'virtual:world-map';

use([
  BarChart,
  MapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export const WORLD_MAP = 'world';
registerMap(WORLD_MAP, geo);

export type ConsoleChartOption = ComposeOption<
  | BarSeriesOption
  | MapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/**
 * A chart that follows its container's size (the layout is responsive). While the container
 * has no area (e.g. a screenshot tool briefly shrinks the window to nothing) the chart keeps the
 * newest option and draws it later: ECharts' map cannot lay out in an empty box.
 */
export class LiveChart {
  readonly echarts: ECharts;
  private pending: ConsoleChartOption | undefined;

  constructor(private readonly container: HTMLElement) {
    this.echarts = init(container, undefined, { renderer: 'canvas' });
    new ResizeObserver(() => {
      if (this.empty()) return;
      this.echarts.resize();
      this.flush();
    }).observe(container);
  }

  /** Draws `option`, a whole description of the chart (later ones replace earlier ones). */
  draw(option: ConsoleChartOption): void {
    this.pending = option;
    if (!this.empty()) this.flush();
  }

  private flush(): void {
    if (this.pending === undefined) return;
    this.echarts.setOption(this.pending);
    this.pending = undefined;
  }

  private empty(): boolean {
    return this.container.clientWidth === 0 || this.container.clientHeight === 0;
  }
}
