/**
 * Draws the chart SVG as PNG with resvg, in the bundled Noto Sans SC only: the hosts that run the bot
 * may have no font with Chinese glyphs, and system fonts would make the picture differ from host to host.
 */
import { createRequire } from 'node:module';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { trendSvg, type TrendData } from './trend-chart.ts';

const FONT_FAMILY = 'Noto Sans SC';
// Resolved from this module, not the working directory, wherever the bot is started from.
const FONT_MODULE = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

let options: ResvgRenderOptions | undefined;

/** Built on first use, so that importing the module costs nothing for a bot that never draws a chart. */
function renderOptions(): ResvgRenderOptions {
  options ??= {
    font: {
      loadSystemFonts: false,
      fontFiles: [createRequire(import.meta.url).resolve(FONT_MODULE)],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  };
  return options;
}

/** Throws on SVG that is not well-formed XML. */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, renderOptions()).render().asPng();
}

export function trendPng(data: TrendData): Buffer {
  return svgToPng(trendSvg(data));
}
