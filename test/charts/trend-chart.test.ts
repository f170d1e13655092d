import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { svgToPng, trendPng } from '../../src/charts/render-png.ts';
import { sparkline } from '../../src/charts/sparkline.ts';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  dayX,
  NO_STORIES_NOTE,
  PLOT_AREA,
  SERIES_COLOURS,
  trendSvg,
  yScale,
  type TrendData,
} from '../../src/charts/trend-chart.ts';

function days(count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(2025, 6, 10 + i)).toISOString().slice(0, 10));
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
}

/** Antialiasing blends edges, so a pixel is the colour when it is close to it. */
function isColour(image: PNG, x: number, y: number, colour: [number, number, number]): boolean {
  const at = (y * image.width + x) * 4;
  const d = image.data;
  return Math.abs((d[at] ?? 0) - colour[0]) + Math.abs((d[at + 1] ?? 0) - colour[1]) + Math.abs((d[at + 2] ?? 0) - colour[2]) < 60;
}

/** The mean row of the pixels of `colour` in column `x` of the plot, or undefined when there are none. */
function meanRowOf(image: PNG, x: number, colour: [number, number, number]): number | undefined {
  const rows: number[] = [];
  for (let y = PLOT_AREA.top - 10; y <= PLOT_AREA.bottom + 10; y++) if (isColour(image, x, y, colour)) rows.push(y);
  return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : undefined;
}

/** Pixels that are not the white background. */
function inkIn(image: PNG, box = { left: 0, top: 0, right: image.width, bottom: image.height }): number {
  let ink = 0;
  for (let y = box.top; y < box.bottom; y++) {
    for (let x = box.left; x < box.right; x++) {
      const at = (y * image.width + x) * 4;
      if ((image.data[at] ?? 255) < 200 || (image.data[at + 1] ?? 255) < 200 || (image.data[at + 2] ?? 255) < 200) ink++;
    }
  }
  return ink;
}

function textOnly(label: string): PNG {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80" fill="#fff"/><text x="10" y="60" font-size="48" fill="#000">${label}</text></svg>`;
  return PNG.sync.read(svgToPng(svg));
}

describe('trendPng', () => {
  // Plateaus, so that the line is flat through the middle day of each and its pixels centre on that day's count.
  const counts = [0, 0, 0, 4, 4, 4, 8, 8, 8, 2, 2, 2];
  const data: TrendData = { title: 'GPT-5 趋势', days: days(counts.length), series: [{ label: 'GPT-5', counts }] };
  const image = PNG.sync.read(trendPng(data));

  it('is a PNG of the chart size', () => {
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  });

  it('draws each day at a height proportional to its count, on the same scale as the y axis', () => {
    const colour = rgb(SERIES_COLOURS[0]);
    const heightOn = (day: number): number => {
      const row = meanRowOf(image, Math.round(dayX(day, counts.length)), colour);
      expect(row, `series colour on day ${day}`).toBeDefined();
      return PLOT_AREA.bottom - (row ?? 0);
    };
    const [zero, four, eight, two] = [1, 4, 7, 10].map(heightOn) as [number, number, number, number];

    expect(Math.abs(zero)).toBeLessThan(2);
    expect(eight / four).toBeCloseTo(2, 1);
    expect(four / two).toBeCloseTo(2, 1);
    const plotHeight = PLOT_AREA.bottom - PLOT_AREA.top;
    expect(Math.abs(eight - (8 / yScale(8).max) * plotHeight)).toBeLessThan(2);
  });

  it('gives each series its own colour, and draws no line when there are no stories', () => {
    const second = rgb(SERIES_COLOURS[1]);
    const two = PNG.sync.read(trendPng({ ...data, series: [{ label: 'a', counts }, { label: 'b', counts: counts.map((c) => c / 2) }] }));
    expect(meanRowOf(two, Math.round(dayX(7, counts.length)), second)).toBeDefined();

    const empty: TrendData = { ...data, series: [{ label: 'GPT-5', counts: counts.map(() => 0) }] };
    expect(trendSvg(empty)).toContain(NO_STORIES_NOTE);
    const blank = PNG.sync.read(trendPng(empty));
    const first = rgb(SERIES_COLOURS[0]);
    for (let x = PLOT_AREA.left; x <= PLOT_AREA.right; x++) expect(meanRowOf(blank, x, first)).toBeUndefined();
  });

  it('writes a Chinese label in the legend: the same chart with an empty label has less ink', () => {
    const named = PNG.sync.read(trendPng({ ...data, series: [{ label: '大模型', counts }] }));
    const unnamed = PNG.sync.read(trendPng({ ...data, series: [{ label: '', counts }] }));
    const legend = { left: PLOT_AREA.right + 50, top: PLOT_AREA.top, right: CHART_WIDTH, bottom: PLOT_AREA.top + 40 };
    expect(inkIn(named, legend) - inkIn(unnamed, legend)).toBeGreaterThan(100);
  });
});

describe('the bundled font', () => {
  it('draws Chinese characters as their own glyphs, not as missing-glyph boxes or nothing', () => {
    const empty = textOnly('');
    const big = textOnly('大');
    const model = textOnly('模');
    expect(inkIn(empty)).toBe(0);
    expect(inkIn(big)).toBeGreaterThan(100);
    expect(inkIn(model)).toBeGreaterThan(100);
    // A font without the glyphs draws one and the same .notdef box for both.
    expect(Buffer.compare(big.data, model.data)).not.toBe(0);
  });

  it('draws Latin text too', () => {
    expect(inkIn(textOnly('GPT-5'))).toBeGreaterThan(100);
  });
});

describe('trendSvg', () => {
  it('escapes markup in watch names and titles into valid SVG', () => {
    const svg = trendSvg({ title: 'a < b & "c"', days: days(3), series: [{ label: `<b>&"'</text>\u0001`, counts: [1, 2, 3] }] });
    expect(svg).toContain('&lt;b&gt;&amp;&quot;&apos;&lt;/text&gt;');
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(() => svgToPng(svg)).not.toThrow();
    // The renderer does reject what escaping prevents.
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg"><text><b>&"</text></svg>')).toThrow();
  });

  it('draws at most eight series', () => {
    const series = Array.from({ length: 10 }, (_, i) => ({ label: `watch ${i}`, counts: [i, 1, 2] }));
    const svg = trendSvg({ title: 't', days: days(3), series });
    expect(svg.match(/<polyline/g)).toHaveLength(8);
    expect(svg).toContain('watch 7');
    expect(svg).not.toContain('watch 8');
  });

  it('labels 30 days sparsely, always naming the last day', () => {
    const thirty = days(30);
    const svg = trendSvg({ title: 't', days: thirty, series: [{ label: 'x', counts: thirty.map(() => 1) }] });
    const dates = svg.match(/>\d\d-\d\d</g) ?? [];
    expect(dates.length).toBeGreaterThanOrEqual(5);
    expect(dates.length).toBeLessThanOrEqual(12);
    expect(dates).toContain(`>${thirty[29]?.slice(5)}<`);
  });

  it('puts the y axis on integer ticks that reach the peak', () => {
    expect(yScale(0)).toEqual({ step: 1, max: 1 });
    expect(yScale(8)).toEqual({ step: 2, max: 8 });
    expect(yScale(13)).toEqual({ step: 5, max: 15 });
    expect(yScale(230)).toEqual({ step: 50, max: 250 });
  });
});

describe('sparkline', () => {
  it('is one block a day, scaled to the busiest day', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6])).toBe('▁▃▄▅▆▇█');
    expect(sparkline([0, 10, 20])).toBe(sparkline([0, 1, 2]));
    expect(sparkline([3, 3])).toBe('██');
  });

  it('keeps the lowest block for days without stories', () => {
    expect(sparkline([0, 1, 100])).toBe('▁▂█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([Number.NaN, -2, 4])).toBe('▁▁█');
    expect(sparkline([])).toBe('');
  });
});
