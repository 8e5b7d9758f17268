import type { CountryFigures } from '@meetup/console-views';
import { names } from 'virtual:world-map';
import { formatCount } from '../src/web-logic/format';
import { quantityAt, quantityScale } from '../src/web-logic/palette';
import { LiveChart, WORLD_MAP, type ConsoleChartOption } from './charts';
import type { ChartTheme } from './theme';

interface CountryItem {
  name: string;
  value: number;
  responses: number;
  yes: number;
  no: number;
  itemStyle?: { borderColor: string; borderWidth: number };
}

/** Responses by country as a choropleth; a click on a country chooses it for trending topics. */
export class WorldMapChart {
  private readonly chart: LiveChart;
  private countries: readonly CountryFigures[] = [];
  private selected: string | undefined;

  constructor(
    container: HTMLElement,
    private theme: ChartTheme,
    onSelect: (country: string) => void,
  ) {
    this.chart = new LiveChart(container);
    this.chart.echarts.on('click', (params) => {
      if (params.componentType === 'series' && typeof params.name === 'string' && params.name) {
        onSelect(params.name);
      }
    });
    this.draw();
  }

  update(countries: readonly CountryFigures[]): void {
    this.countries = countries;
    this.draw();
  }

  select(country: string | undefined): void {
    this.selected = country;
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
    const { theme } = this;
    const data = this.items();
    const most = Math.max(1, ...data.map((item) => item.responses));
    return {
      backgroundColor: 'transparent',
      animationDurationUpdate: 300,
      tooltip: {
        trigger: 'item',
        // Canvas tooltips: the HTML ones carry inline styles, which the page's CSP refuses.
        renderMode: 'richText',
        backgroundColor: theme.surface,
        borderColor: theme.border,
        textStyle: { color: theme.text },
        formatter: (params) => describe(params as unknown as { name: string; data?: CountryItem }),
      },
      visualMap: {
        type: 'continuous',
        seriesIndex: 0,
        min: 0,
        max: Math.max(1, quantityScale(most)),
        text: [formatCount(quantityAt(quantityScale(most))), '0'],
        // The scale is logarithmic: labels show counts, not the scaled values.
        formatter: (value: unknown) => formatCount(quantityAt(Number(value))),
        inRange: { color: theme.ramp },
        orient: 'horizontal',
        left: 0,
        bottom: 0,
        itemHeight: 120,
        itemWidth: 10,
        textStyle: { color: theme.muted },
      },
      series: [
        {
          type: 'map',
          map: WORLD_MAP,
          top: 4,
          bottom: 28,
          left: 0,
          right: 0,
          selectedMode: false,
          label: { show: false },
          itemStyle: { areaColor: theme.noData, borderColor: theme.border, borderWidth: 0.5 },
          emphasis: {
            label: { show: false },
            itemStyle: { areaColor: theme.highlight, borderColor: theme.text, borderWidth: 1 },
          },
          data,
        },
      ],
    };
  }

  private items(): CountryItem[] {
    const items: CountryItem[] = this.countries.map((c) => ({
      name: c.country,
      value: quantityScale(c.yes + c.no),
      responses: c.yes + c.no,
      yes: c.yes,
      no: c.no,
    }));
    const chosen = this.selected;
    if (chosen !== undefined) {
      const outline = { borderColor: this.theme.text, borderWidth: 2 };
      const item = items.find((i) => i.name === chosen);
      if (item) item.itemStyle = outline;
      else items.push({ name: chosen, value: 0, responses: 0, yes: 0, no: 0, itemStyle: outline });
    }
    return items;
  }
}

function describe(params: { name: string; data?: CountryItem }): string {
  const name = names[params.name] ?? params.name.toUpperCase();
  const item = params.data;
  if (!item || item.responses === 0) return `${name}\nno responses`;
  return `${name}\n${formatCount(item.responses)} responses (${formatCount(item.yes)} yes, ${formatCount(item.no)} no)`;
}
