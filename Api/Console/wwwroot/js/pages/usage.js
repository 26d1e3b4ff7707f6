// Usage from the platform's own Usage and Costs APIs: stacked bars per day or hour, filters, totals and the CSV report.
import { allProjects, get } from '../api.js';
import { h, clear, table, field, number, unixToDate, dateToUnix, errorBox } from '../ui.js';
import { stackedBars, legend } from '../chart.js';

const day = 86400;

export async function render(root) {
  const projects = await allProjects().catch(() => []);
  const today = Math.floor(Date.now() / 1000 / day) * day;
  const form = h('form', { class: 'controls', id: 'usage-form', novalidate: true },
    field('From (UTC day)', 'usage-start', h('input', { type: 'date', name: 'start', value: unixToDate(today - 6 * day) })),
    field('To (UTC day, inclusive)', 'usage-end', h('input', { type: 'date', name: 'end', value: unixToDate(today) })),
    field('Bars per', 'usage-width', h('select', { name: 'width' }, h('option', { value: '1d' }, 'day'), h('option', { value: '1h' }, 'hour'))),
    field('Split requests and cost by', 'usage-group', h('select', { name: 'group' }, h('option', { value: 'project_id' }, 'project'), h('option', { value: 'model' }, 'model'))),
    field('Project', 'usage-project', h('select', { name: 'project' }, h('option', { value: '' }, 'All projects'),
      projects.map(p => h('option', { value: p.id }, `${p.organization_name} / ${p.name}`)))),
    field('Model', 'usage-model', h('input', { name: 'model', placeholder: 'All models' })),
    h('button', { type: 'submit' }, 'Show'));
  const csv = h('a', { id: 'download-csv', class: 'button', download: 'usage.csv' }, 'Download CSV');
  const output = h('div', { id: 'usage-output', 'aria-live': 'polite' });
  const names = new Map(projects.map(p => [p.id, `${p.organization_name} / ${p.name}`]));

  const show = async () => {
    const start = dateToUnix(form.elements.start.value);
    const end = dateToUnix(form.elements.end.value) + day;
    const width = form.elements.width.value;
    csv.href = `/console/api/admin/reports/usage.csv?start_time=${start}&end_time=${end}&bucket_width=${width}`;
    if (!(end > start)) {
      clear(output, errorBox(new Error('The end must be on or after the start.')));
      return;
    }
    clear(output, h('p', {}, 'Loading…'));
    try {
      clear(output, ...await draw(form, start, end, width, names));
    } catch (error) { clear(output, errorBox(error)); }
  };
  form.addEventListener('submit', event => { event.preventDefault(); show(); });
  clear(root, form, h('p', {}, csv, h('span', { class: 'muted' }, ' (the finance report for every organization, as /admin/reports/usage.csv)')), output);
  await show();
}

async function pages(path) {
  const buckets = [];
  let page = null;
  for (;;) {
    const result = await get(path + (page ? `&page=${encodeURIComponent(page)}` : ''));
    buckets.push(...result.data);
    if (!result.has_more || !result.next_page) return buckets;
    page = result.next_page;
  }
}

async function draw(form, start, end, width, names) {
  const group = form.elements.group.value;
  const project = form.elements.project.value;
  const model = form.elements.model.value.trim();
  const filters = (project ? `&project_ids=${encodeURIComponent(project)}` : '') + (model ? `&models=${encodeURIComponent(model)}` : '');
  const limit = width === '1h' ? 168 : 31;
  const usage = await pages(`/v1/organization/usage/completions?start_time=${start}&end_time=${end}&bucket_width=${width}&group_by=project_id,model&limit=${limit}${filters}`);
  // Costs come by UTC day only (as OpenAI's); line items name the model.
  const costs = await pages(`/v1/organization/costs?start_time=${start}&end_time=${end}&bucket_width=1d&group_by=project_id,line_item&limit=180${project ? `&project_ids=${encodeURIComponent(project)}` : ''}`);

  const label = unix => width === '1h' ? new Date(unix * 1000).toISOString().slice(5, 13).replace('T', ' ') + 'h' : new Date(unix * 1000).toISOString().slice(5, 10);
  const labels = usage.map(b => label(b.start_time));
  const groupOf = r => group === 'model' ? (r.model ?? '(no model)') : (names.get(r.project_id) ?? r.project_id ?? '(no project)');
  const totals = { input: 0, cached: 0, output: 0, requests: 0, cost: 0 };
  const kinds = [{ name: 'input (uncached)', values: [] }, { name: 'cached input', values: [] }, { name: 'output', values: [] }];
  const requestGroups = new Map();
  const breakdown = new Map();
  usage.forEach((bucket, i) => {
    kinds.forEach(k => k.values[i] = 0);
    for (const r of bucket.results) {
      kinds[0].values[i] += r.input_tokens - r.input_cached_tokens;
      kinds[1].values[i] += r.input_cached_tokens;
      kinds[2].values[i] += r.output_tokens;
      totals.input += r.input_tokens; totals.cached += r.input_cached_tokens; totals.output += r.output_tokens; totals.requests += r.num_model_requests;
      const name = groupOf(r);
      if (!requestGroups.has(name)) requestGroups.set(name, new Array(usage.length).fill(0));
      requestGroups.get(name)[i] += r.num_model_requests;
      const row = breakdown.get(name) ?? { name, input: 0, cached: 0, output: 0, requests: 0, cost: 0 };
      row.input += r.input_tokens; row.cached += r.input_cached_tokens; row.output += r.output_tokens; row.requests += r.num_model_requests;
      breakdown.set(name, row);
    }
  });

  const costLabels = costs.map(b => new Date(b.start_time * 1000).toISOString().slice(5, 10));
  const costGroups = new Map();
  costs.forEach((bucket, i) => {
    for (const r of bucket.results) {
      const lineModel = (r.line_item ?? '').replace(/, (cached input|input|output)$/, '');
      if (model && lineModel !== model) continue;
      const name = group === 'model' ? lineModel : (names.get(r.project_id) ?? r.project_id ?? '(no project)');
      if (!costGroups.has(name)) costGroups.set(name, new Array(costs.length).fill(0));
      costGroups.get(name)[i] += r.amount.value;
      totals.cost += r.amount.value;
      const row = breakdown.get(name) ?? { name, input: 0, cached: 0, output: 0, requests: 0, cost: 0 };
      row.cost += r.amount.value;
      breakdown.set(name, row);
    }
  });

  const series = map => [...map].map(([name, values]) => ({ name, values }));
  const dollars = v => '$' + number(v, v < 1 ? 4 : 2);
  return [
    h('h2', {}, 'Totals'),
    h('dl', { class: 'facts', id: 'usage-totals' },
      h('dt', {}, 'Input tokens (cached included)'), h('dd', { id: 'total-input-tokens', dataset: { value: totals.input } }, number(totals.input)),
      h('dt', {}, 'Cached input tokens'), h('dd', { id: 'total-cached-tokens', dataset: { value: totals.cached } }, number(totals.cached)),
      h('dt', {}, 'Output tokens'), h('dd', { id: 'total-output-tokens', dataset: { value: totals.output } }, number(totals.output)),
      h('dt', {}, 'Requests'), h('dd', { id: 'total-requests', dataset: { value: totals.requests } }, number(totals.requests)),
      h('dt', {}, 'Cost (USD)'), h('dd', { id: 'total-cost', dataset: { value: totals.cost.toFixed(6) } }, dollars(totals.cost))),
    h('h2', {}, 'Tokens'), legend(kinds.map(k => k.name)), stackedBars('Tokens per bar', labels, kinds, v => number(v)),
    h('h2', {}, 'Requests'), legend([...requestGroups.keys()]), stackedBars('Requests per bar', labels, series(requestGroups), v => number(v)),
    h('h2', {}, 'Cost (per UTC day)'), legend([...costGroups.keys()]), stackedBars('Cost per day', costLabels, series(costGroups), dollars),
    h('h2', {}, `By ${group === 'model' ? 'model' : 'project'}`),
    table('Usage by group', [
      { label: group === 'model' ? 'Model' : 'Project', value: r => r.name },
      { label: 'Requests', value: r => number(r.requests), numeric: true },
      { label: 'Input', value: r => number(r.input), numeric: true },
      { label: 'Cached input', value: r => number(r.cached), numeric: true },
      { label: 'Output', value: r => number(r.output), numeric: true },
      { label: 'Cost', value: r => dollars(r.cost), numeric: true },
    ], [...breakdown.values()], 'No usage in this range.'),
  ];
}
