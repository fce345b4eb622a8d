/**
 * A parser of the Prometheus text exposition format (version 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): HELP and
 * TYPE lines, samples with escaped label values, histogram and summary series grouped
 * under their family. Strict: a line it cannot read is an error, not skipped, so a scrape
 * that parses is a scrape Prometheus would take.
 */

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

interface Sample {
  /** The series name as written (`x_bucket`, `x_count`, …). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Family {
  readonly name: string;
  type: MetricType;
  help: string;
  readonly samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const types: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    return f;
  };
  /** The family a series belongs to: its own name, or a histogram's or summary's with the suffix off. */
  const owner = (series: string): Family => {
    for (const suffix of ['_bucket', '_count', '_sum']) {
      if (!series.endsWith(suffix)) continue;
      const base = families.get(series.slice(0, -suffix.length));
      if (base !== undefined && (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))) return base;
    }
    return family(series);
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1} of the exposition: ${why}: ${JSON.stringify(raw.slice(0, 200))}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (m === null) return; // a plain comment
      const [, keyword, name = '', rest = ''] = m;
      const f = family(name);
      if (keyword === 'HELP') f.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else {
        if (!(types as readonly string[]).includes(rest)) fail(`unknown type ${JSON.stringify(rest)}`);
        if (f.samples.length > 0) fail('TYPE after the samples of its family');
        f.type = rest as MetricType;
      }
      return;
    }
    let rest = line;
    const name = metricName.exec(rest)?.[0] ?? fail('no metric name');
    rest = rest.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1).trimStart();
      while (!rest.startsWith('}')) {
        const label = labelName.exec(rest)?.[0] ?? fail('a label name expected');
        rest = rest.slice(label.length).trimStart();
        if (!rest.startsWith('="')) fail(`= and a quoted value expected after label ${label}`);
        rest = rest.slice(2);
        let value = '';
        for (;;) {
          const c = rest[0] ?? fail('the label value is not closed');
          rest = rest.slice(1);
          if (c === '"') break;
          if (c !== '\\') {
            value += c;
            continue;
          }
          const e = rest[0] ?? fail('an escape at the end of the line');
          rest = rest.slice(1);
          if (e === 'n') value += '\n';
          else if (e === '\\' || e === '"') value += e;
          else fail(`unknown escape \\${e}`);
        }
        if (label in labels) fail(`label ${label} twice`);
        labels[label] = value;
        rest = rest.trimStart();
        if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
        else if (!rest.startsWith('}')) fail('a comma or } expected');
      }
      rest = rest.slice(1);
    }
    const fields = rest.trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2 || fields[0] === '') fail('a value (and at most a timestamp) expected');
    const valueText = fields[0] ?? '';
    // as Prometheus reads a value (Go's ParseFloat): Inf and NaN in any case; prom-client writes `Nan`
    const infinite = /^([+-]?)inf(inity)?$/i.exec(valueText);
    const value = infinite !== null ? (infinite[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : /^nan$/i.test(valueText) ? Number.NaN : Number(valueText);
    if (Number.isNaN(value) && !/^nan$/i.test(valueText)) fail(`${JSON.stringify(valueText)} is not a number`);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) fail('the timestamp is not an integer');
    owner(name).samples.push({ name, labels, value });
  });
  return families;
}

/** One scrape of a /metrics endpoint, parsed (parsePrometheusText). */
export class Scrape {
  private constructor(private readonly families: ReadonlyMap<string, Family>) {}

  static async of(url: string): Promise<Scrape> {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    const contentType = res.headers.get('content-type') ?? '';
    if (!contentType.startsWith('text/plain') || !contentType.includes('version=0.0.4')) throw new Error(`${url} answered content-type ${contentType}`);
    return new Scrape(parsePrometheusText(await res.text()));
  }

  type(name: string): MetricType | undefined {
    return this.families.get(name)?.type;
  }

  /** The sum of a counter's or gauge's samples whose labels include `labels`; undefined when the family is absent. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    const family = this.families.get(name);
    if (family === undefined) return undefined;
    return this.matching(family, name, labels).reduce((n, s) => n + s.value, 0);
  }

  /** The sum of a histogram's `_count` series whose labels include `labels`. */
  histogramCount(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    const family = this.families.get(name);
    if (family === undefined) return undefined;
    if (family.type !== 'histogram') throw new Error(`${name} is a ${family.type}, not a histogram`);
    return this.matching(family, `${name}_count`, labels).reduce((n, s) => n + s.value, 0);
  }

  /** Label sets of a counter's or gauge's samples. */
  labelSets(name: string): Readonly<Record<string, string>>[] {
    return (this.families.get(name)?.samples ?? []).filter((s) => s.name === name).map((s) => s.labels);
  }

  private matching(family: Family, series: string, labels: Readonly<Record<string, string>>): Sample[] {
    return family.samples.filter((s) => s.name === series && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}
