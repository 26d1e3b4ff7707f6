// Live status every few seconds: models and devices from GET /admin/engine, latencies from the platform's /metrics.
import { get } from '../api.js';
import { h, clear, table, number, errorBox } from '../ui.js';
import { sparkline } from '../chart.js';

const refreshMs = 3000;
const keep = 40;

export async function render(root) {
  const history = { batch: [], kv: [], depth: [], ttft50: [], ttft99: [], itl50: [], itl99: [] };
  let previous = null;
  const models = h('section', { 'aria-label': 'Models' });
  const charts = h('div', { class: 'grid', id: 'status-charts' });
  const stamp = h('p', { class: 'muted', id: 'status-updated' });
  clear(root, stamp, h('h2', {}, 'Models'), models, h('h2', {}, 'Engine and latency'), charts);

  const tick = async () => {
    try {
      const [engine, metricsText] = await Promise.all([get('/admin/engine'), fetch('/metrics').then(r => r.ok ? r.text() : '')]);
      const metrics = parse(metricsText);
      const devices = engine.models.flatMap(m => m.devices.map(d => ({ ...d, model: m.id, depth: m.waiting_room_depth })));
      push(history.batch, devices.reduce((s, d) => s + d.batch_size, 0));
      push(history.kv, Math.max(0, ...devices.map(d => d.kv_utilization)) * 100);
      push(history.depth, engine.models.reduce((s, m) => s + m.waiting_room_depth, 0));
      for (const [name, p50, p99] of [['platform_time_to_first_token_seconds', history.ttft50, history.ttft99], ['platform_inter_token_latency_seconds', history.itl50, history.itl99]]) {
        const window = difference(metrics.histograms.get(name), previous?.histograms.get(name));
        push(p50, quantile(window, 0.5) * 1000);
        push(p99, quantile(window, 0.99) * 1000);
      }
      previous = metrics;

      clear(models, table('Models and devices', [
        { label: 'Model', value: d => d.model },
        { label: 'Provider', value: d => d.provider },
        { label: 'Device', value: d => String(d.device) },
        { label: 'Batch', value: d => `${d.batch_size} / ${d.max_batch_size}`, numeric: true },
        { label: 'Running', value: d => number(d.running_sequences), numeric: true },
        { label: 'Waiting', value: d => number(d.waiting_sequences), numeric: true },
        { label: 'KV reserved', value: d => `${number(d.kv_reserved_tokens)} / ${number(d.kv_budget_tokens)} (${number(d.kv_utilization * 100, 1)} %)`, numeric: true },
        { label: 'Waiting room', value: d => number(d.depth), numeric: true },
      ], devices, 'No model is loaded.'),
      engine.failures.length ? table('Models that failed to load', [{ label: 'Model', value: f => f.id }, { label: 'Error', value: f => f.error }], engine.failures) : null);

      const ms = v => Number.isFinite(v) ? `${number(v, 1)} ms` : 'no data';
      clear(charts,
        card('Batch size', history.batch.at(-1), [{ name: 'sequences', values: history.batch }], v => number(v)),
        card('KV utilisation (%)', `${number(history.kv.at(-1), 1)} %`, [{ name: 'max over devices', values: history.kv }], v => `${number(v, 1)} %`),
        card('Waiting-room depth', history.depth.at(-1), [{ name: 'requests', values: history.depth }], v => number(v)),
        card('Time to first token p50 / p99', `${ms(history.ttft50.at(-1))} / ${ms(history.ttft99.at(-1))}`, [{ name: 'p50', values: history.ttft50 }, { name: 'p99', values: history.ttft99 }], ms),
        card('Inter-token latency p50 / p99', `${ms(history.itl50.at(-1))} / ${ms(history.itl99.at(-1))}`, [{ name: 'p50', values: history.itl50 }, { name: 'p99', values: history.itl99 }], ms));
      stamp.textContent = `Updated ${new Date().toISOString().slice(11, 19)} UTC; refreshed every ${refreshMs / 1000} s.`;
    } catch (error) {
      clear(stamp, errorBox(error));
      if (error?.status === 401) return;
    }
    setTimeout(tick, refreshMs);
  };
  await tick();
}

function card(title, value, series, format) {
  return h('div', { class: 'card' }, h('h3', {}, title), h('p', { class: 'big' }, String(value ?? '—')), sparkline(title, series, format));
}

function push(list, value) {
  list.push(value);
  if (list.length > keep) list.shift();
}

/** Histograms of the Prometheus text format, buckets summed over every label set: name -> Map(le -> count). */
export function parse(text) {
  const histograms = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)_bucket\{(.*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(match[2])?.[1];
    if (le === undefined) continue;
    const buckets = histograms.get(match[1]) ?? new Map();
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[3]));
    histograms.set(match[1], buckets);
  }
  return { histograms };
}

/** What was observed since the previous scrape; all of it when nothing new was (so the chart keeps its last picture). */
function difference(now, before) {
  if (!now) return null;
  const total = now.get(Infinity) ?? 0;
  const earlier = before?.get(Infinity) ?? 0;
  if (!before || total <= earlier) return now;
  return new Map([...now].map(([le, count]) => [le, count - (before.get(le) ?? 0)]));
}

/** Prometheus' histogram_quantile: linear within the bucket the rank falls in. */
function quantile(buckets, q) {
  if (!buckets) return NaN;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + (le - lower) * ((rank - below) / Math.max(count - below, 1e-9));
    }
    lower = le;
    below = count;
  }
  return lower;
}
