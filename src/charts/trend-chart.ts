/**
 * The trends chart as SVG: stories per day for each of a channel's watches, one coloured line each.
 * Pure string building, so that it can be tested without a renderer; render-png.ts draws it.
 */

export interface TrendSeries {
  label: string;
  counts: number[];
}

export interface TrendData {
  title: string;
  /** 'YYYY-MM-DD', oldest first; every series has one count per day. */
  days: string[];
  series: TrendSeries[];
}

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 600;

/** Where the lines are drawn; the legend sits to its right, the axis labels outside it. */
export const PLOT_AREA = { left: 70, top: 70, right: 920, bottom: 530 } as const;

/** One colour per series, distinct from each other and from the greys of axes and text. */
export const SERIES_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;

export const MAX_SERIES = SERIES_COLOURS.length;
export const NO_STORIES_NOTE = 'No stories in this period';

const LEGEND = { left: 950, top: 92, rowHeight: 30, fontSize: 15 } as const;
// Budgets in half-width columns (a CJK character takes two), so that a label fits the legend's width.
const LABEL_COLUMNS = 26;
const TITLE_COLUMNS = 96;
/** Fewest pixels between two date labels on the x axis; 30 days get one label every 3 days. */
const MIN_DATE_LABEL_GAP = 70;
const MAX_Y_INTERVALS = 5;

/** The x of day `index` of `dayCount`; a single day sits in the middle. */
export function dayX(index: number, dayCount: number): number {
  const width = PLOT_AREA.right - PLOT_AREA.left;
  if (dayCount <= 1) return PLOT_AREA.left + width / 2;
  return PLOT_AREA.left + (index * width) / (dayCount - 1);
}

export function trendSvg(data: TrendData): string {
  const days = data.days;
  const series = data.series.slice(0, MAX_SERIES).map((s) => ({ label: s.label, counts: days.map((_, i) => cleanCount(s.counts[i])) }));
  const peak = Math.max(0, ...series.flatMap((s) => s.counts));
  const scale = yScale(peak);
  const yOf = (count: number): number => PLOT_AREA.bottom - (count / scale.max) * (PLOT_AREA.bottom - PLOT_AREA.top);

  const parts = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    text(PLOT_AREA.left, 40, fit(data.title, TITLE_COLUMNS), { size: 22, fill: '#222222' }),
    ...yAxis(scale, yOf),
    ...xAxis(days),
  ];
  if (peak === 0) {
    const middleX = (PLOT_AREA.left + PLOT_AREA.right) / 2;
    const middleY = (PLOT_AREA.top + PLOT_AREA.bottom) / 2;
    parts.push(text(middleX, middleY, NO_STORIES_NOTE, { size: 20, fill: '#888888', anchor: 'middle' }));
  } else {
    series.forEach((s, i) => parts.push(seriesLine(s.counts, colourOf(i), yOf)));
  }
  series.forEach((s, i) => parts.push(legendRow(s.label, colourOf(i), i)));

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="sans-serif">`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** Counts come from the database, but a chart of user data should not break on a gap, a negative or a NaN. */
function cleanCount(count: number | undefined): number {
  return count !== undefined && Number.isFinite(count) && count > 0 ? Math.round(count) : 0;
}

function colourOf(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? SERIES_COLOURS[0];
}

interface YScale {
  step: number;
  max: number;
}

/** Integer ticks at 1, 2 or 5 times a power of ten, at most MAX_Y_INTERVALS of them, the top one at or above the peak. */
export function yScale(peak: number): YScale {
  const top = Math.max(1, Math.ceil(peak));
  for (let power = 1; ; power *= 10) {
    for (const factor of [1, 2, 5]) {
      const step = factor * power;
      if (Math.ceil(top / step) <= MAX_Y_INTERVALS) return { step, max: step * Math.ceil(top / step) };
    }
  }
}

function yAxis(scale: YScale, yOf: (count: number) => number): string[] {
  const parts: string[] = [];
  for (let tick = 0; tick <= scale.max; tick += scale.step) {
    const y = yOf(tick);
    const colour = tick === 0 ? '#444444' : '#e4e4e4';
    parts.push(`<line x1="${PLOT_AREA.left}" y1="${y}" x2="${PLOT_AREA.right}" y2="${y}" stroke="${colour}" stroke-width="1"/>`);
    parts.push(text(PLOT_AREA.left - 10, y + 5, String(tick), { size: 14, fill: '#555555', anchor: 'end' }));
  }
  parts.push(`<line x1="${PLOT_AREA.left}" y1="${PLOT_AREA.top}" x2="${PLOT_AREA.left}" y2="${PLOT_AREA.bottom}" stroke="#444444" stroke-width="1"/>`);
  return parts;
}

/** Labels counted back from the last day, so that the most recent day is always named. */
function xAxis(days: string[]): string[] {
  const room = Math.max(1, Math.floor((PLOT_AREA.right - PLOT_AREA.left) / MIN_DATE_LABEL_GAP));
  const every = Math.max(1, Math.ceil(days.length / room));
  const parts: string[] = [];
  for (let i = days.length - 1; i >= 0; i -= every) {
    const x = dayX(i, days.length);
    parts.push(`<line x1="${x}" y1="${PLOT_AREA.bottom}" x2="${x}" y2="${PLOT_AREA.bottom + 5}" stroke="#444444" stroke-width="1"/>`);
    parts.push(text(x, PLOT_AREA.bottom + 24, shortDate(days[i] ?? ''), { size: 14, fill: '#555555', anchor: 'middle' }));
  }
  return parts;
}

/** '2025-08-02' → '08-02': the year is the same on nearly every chart and would crowd the axis. */
function shortDate(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day.slice(5) : day;
}

function seriesLine(counts: number[], colour: string, yOf: (count: number) => number): string {
  const points = counts.map((count, i) => `${round(dayX(i, counts.length))},${round(yOf(count))}`);
  // Markers make a single day, or a lone spike among zeros, visible where a line alone would be a dot.
  const markers = points.map((p) => {
    const [x, y] = p.split(',');
    return `<circle cx="${x}" cy="${y}" r="4" fill="${colour}"/>`;
  });
  return [
    `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`,
    ...markers,
  ].join('\n');
}

function legendRow(label: string, colour: string, index: number): string {
  const y = LEGEND.top + index * LEGEND.rowHeight;
  return [
    `<line x1="${LEGEND.left}" y1="${y}" x2="${LEGEND.left + 24}" y2="${y}" stroke="${colour}" stroke-width="2.5"/>`,
    `<circle cx="${LEGEND.left + 12}" cy="${y}" r="4" fill="${colour}"/>`,
    text(LEGEND.left + 34, y + 5, fit(label, LABEL_COLUMNS), { size: LEGEND.fontSize, fill: '#222222' }),
  ].join('\n');
}

interface TextStyle {
  size: number;
  fill: string;
  anchor?: 'start' | 'middle' | 'end';
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const anchor = style.anchor && style.anchor !== 'start' ? ` text-anchor="${style.anchor}"` : '';
  return `<text x="${round(x)}" y="${round(y)}" font-size="${style.size}" fill="${style.fill}"${anchor}>${escapeXml(content)}</text>`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Watch names and titles are user text: markup in them must stay text, and invalid XML would not render at all. */
export function escapeXml(content: string): string {
  return (
    content
      // Control characters other than tab and newlines are not allowed in XML 1.0 even as references.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** At most `columns` half-width columns, never splitting a character, with an ellipsis when cut. */
function fit(content: string, columns: number): string {
  const chars = [...content.replace(/\s+/g, ' ').trim()];
  if (chars.reduce((sum, char) => sum + columnsOf(char), 0) <= columns) return chars.join('');
  const kept: string[] = [];
  let used = 1; // the ellipsis
  for (const char of chars) {
    used += columnsOf(char);
    if (used > columns) break;
    kept.push(char);
  }
  return `${kept.join('').trimEnd()}…`;
}

/** Two columns for CJK ideographs, kana, hangul and full-width forms; one for the rest. */
function columnsOf(char: string): number {
  return /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(char) ? 2 : 1;
}
