import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { Scrape } from '../helpers/scrape.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string }[];
}

const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana-dashboard.json', import.meta.url), 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string }[] };
};
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
const expressions = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

let app: TestApp;
beforeAll(async () => {
  app = await testApp();
  app.metrics.collectProcessMetrics();
});
afterAll(() => app.dispose());

/** A family's own name from a series name in a query (a histogram's _bucket, _sum, _count). */
const familyOf = (series: string, families: Map<string, unknown>) => [series, series.replace(/_(bucket|sum|count)$/, '')].find((name) => families.has(name));

describe('deploy/grafana-dashboard.json', () => {
  it('is a dashboard: a uid, a title, panels with unique ids on the 24-column grid, each querying Prometheus', () => {
    expect(dashboard).toMatchObject({ uid: 'ainews', title: 'ainews' });
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'instance']);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    for (const expr of expressions) {
      // Brackets balanced, and every query filtered to the chosen instances.
      for (const [open, close] of ['()', '{}', '[]']) expect(expr.split(open!).length, expr).toBe(expr.split(close!).length);
      expect(expr).toContain('instance=~"$instance"');
    }
  });

  it('has a panel for every ainews metric, and queries only metrics ainews serves', async () => {
    const { families } = Scrape.parse((await app.metrics.exposition()).text);
    const queried = new Set(expressions.flatMap((expr) => [...expr.matchAll(/\b((?:ainews|process|nodejs)_[a-z0-9_]+)\{/g)].map((match) => match[1]!)));
    for (const series of queried) expect(familyOf(series, families), `${series} is not served`).toBeDefined();
    const covered = new Set([...queried].map((series) => familyOf(series, families)));
    const ours = [...families.keys()].filter((name) => name.startsWith('ainews_'));
    expect(ours.length).toBeGreaterThanOrEqual(10);
    for (const name of ours) expect(covered.has(name), `no panel shows ${name}`).toBe(true);
  });

  it('shows polls by outcome, poll duration p95, alert delay p50 and p95', () => {
    const titled = (title: string) => panels.find((panel) => panel.title === title)!.targets!.map((target) => target.expr).join('\n');
    expect(titled('Polls by outcome')).toContain('sum by (outcome) (rate(ainews_feed_polls_total');
    expect(titled('Poll duration, p50 and p95')).toContain('histogram_quantile(0.95, sum by (le) (rate(ainews_feed_poll_duration_seconds_bucket');
    expect(titled('Alert delay, p50 and p95')).toMatch(/histogram_quantile\(0\.5,.*ainews_alert_delay_seconds_bucket[\s\S]*histogram_quantile\(0\.95,/);
  });
});
