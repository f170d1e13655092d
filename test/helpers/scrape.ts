import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/**
 * What GET /metrics served, read by a Prometheus text parser: its metric families as typed, and every
 * series by its own name (a histogram's `_bucket`, `_sum` and `_count` included) with its labels.
 */
export class Scrape {
  private constructor(
    /** Each metric family by name, as typed (COUNTER, GAUGE, HISTOGRAM…). */
    readonly families: Map<string, PrometheusFamily>,
    private readonly series: Map<string, PrometheusFamily>,
    readonly contentType: string,
  ) {}

  static async of(baseUrl: string): Promise<Scrape> {
    const response = await fetch(`${baseUrl}/metrics`);
    if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
    return Scrape.parse(await response.text(), response.headers.get('content-type') ?? '');
  }

  static parse(text: string, contentType = ''): Scrape {
    const byName = (families: PrometheusFamily[]) => new Map(families.map((family) => [family.name, family]));
    // The parser folds a histogram's label sets into one and drops their _sum and _count (its open issue
    // #13), so the series are also read with histograms untyped: each line parsed on its own, labels kept.
    const untyped = text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped');
    return new Scrape(byName(parsePrometheusTextFormat(text)), byName(parsePrometheusTextFormat(untyped)), contentType);
  }

  family(name: string): PrometheusFamily {
    const family = this.families.get(name);
    if (!family) throw new Error(`no metric ${name} in the scrape (it has ${[...this.families.keys()].join(', ')})`);
    return family;
  }

  /** A series' value for exactly these labels (a counter, a gauge, a histogram's `_count`…); 0 when absent. */
  value(name: string, labels: Record<string, string> = {}): number {
    const family = this.series.get(name);
    if (!family) throw new Error(`no series ${name} in the scrape`);
    const wanted = Object.entries(labels);
    const sample = family.metrics.find((s) => {
      const own = s.labels ?? {};
      return Object.keys(own).length === wanted.length && wanted.every(([key, value]) => own[key] === value);
    });
    return sample ? Number(sample.value) : 0;
  }

  /** How many observations a histogram holds for exactly these labels. */
  count(name: string, labels: Record<string, string> = {}): number {
    this.histogram(name);
    return this.value(`${name}_count`, labels);
  }

  /** A histogram's cumulative count of observations at or under `le`. */
  bucket(name: string, le: string, labels: Record<string, string> = {}): number {
    this.histogram(name);
    return this.value(`${name}_bucket`, { ...labels, le });
  }

  /** Every value a family gives one label. */
  labelValues(name: string, label: string): string[] {
    const family = this.series.get(this.family(name).type === 'HISTOGRAM' ? `${name}_count` : name)!;
    return family.metrics.flatMap((sample) => (sample.labels?.[label] === undefined ? [] : [sample.labels[label]]));
  }

  private histogram(name: string): void {
    if (this.family(name).type !== 'HISTOGRAM') throw new Error(`${name} is a ${this.family(name).type}, not a histogram`);
  }
}
