// Flagged requests for review: filters, a page at a time, and a detail view with scores and the excerpt.
import { allProjects, get } from '../api.js';
import { h, clear, table, time, field, errorBox, number } from '../ui.js';

const categories = ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm',
  'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic'];

export async function render(root) {
  const projects = await allProjects().catch(() => []);
  const form = h('form', { class: 'controls', id: 'moderation-form', novalidate: true },
    field('Project', 'moderation-project', h('select', { name: 'project_id' }, h('option', { value: '' }, 'All projects'),
      projects.map(p => h('option', { value: p.id }, `${p.organization_name} / ${p.name}`)))),
    field('Key id', 'moderation-key', h('input', { name: 'api_key_id', placeholder: 'key_12' })),
    field('Category', 'moderation-category', h('select', { name: 'category' }, h('option', { value: '' }, 'Any'), categories.map(c => h('option', { value: c }, c)))),
    field('From (UTC)', 'moderation-start', h('input', { type: 'datetime-local', name: 'start_time' })),
    field('Until (UTC)', 'moderation-end', h('input', { type: 'datetime-local', name: 'end_time' })),
    h('button', { type: 'submit' }, 'Filter'));
  const list = h('section', { 'aria-label': 'Flagged requests' });
  const detail = h('section', { id: 'moderation-detail', 'aria-label': 'Event details', tabindex: '-1' });
  let after = null;
  let events = [];

  const query = () => {
    const parts = [];
    for (const name of ['project_id', 'api_key_id', 'category']) {
      const value = form.elements[name].value.trim();
      if (value) parts.push(`${name}=${encodeURIComponent(value)}`);
    }
    for (const name of ['start_time', 'end_time']) {
      const value = form.elements[name].value;
      if (value) parts.push(`${name}=${Math.floor(Date.parse(value + 'Z') / 1000)}`);
    }
    return parts.join('&');
  };

  const load = async more => {
    try {
      const page = await get(`/admin/moderation/events?limit=50&${query()}${more && after ? `&after=${after}` : ''}`);
      events = more ? [...events, ...page.data] : page.data;
      after = page.has_more ? page.last_id : null;
      clear(list,
        table('Flagged requests', [
          { label: 'Time', value: e => time(e.created_at) },
          { label: 'Project', value: e => e.project_id },
          { label: 'Key', value: e => e.api_key_id },
          { label: 'Model', value: e => e.model },
          { label: 'Source', value: e => e.source },
          { label: 'Action', value: e => e.action },
          { label: 'Categories', value: e => e.categories.join(', ') },
          { label: 'Details', value: e => h('button', { type: 'button', class: 'secondary', onclick: () => show(e) }, `Details of ${e.id}`) },
        ], events, 'No flagged requests match.'),
        after ? h('button', { type: 'button', class: 'secondary', onclick: () => load(true) }, 'Load more') : null);
    } catch (error) { clear(list, errorBox(error)); }
  };

  const show = event => {
    const scores = Object.entries(event.category_scores).sort((a, b) => b[1] - a[1]);
    clear(detail,
      h('h2', {}, `Event ${event.id}`),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Request id'), h('dd', {}, event.request_id),
        h('dt', {}, 'When'), h('dd', {}, time(event.created_at)),
        h('dt', {}, 'Action'), h('dd', {}, `${event.action} (${event.source})`),
        h('dt', {}, 'Matched rules'), h('dd', {}, event.matched_rules.join(', ') || '—')),
      h('h3', {}, 'Excerpt'), h('pre', {}, event.excerpt),
      h('h3', {}, 'Scores'),
      table('Category scores', [
        { label: 'Category', value: ([name]) => name },
        { label: 'Score', value: ([, score]) => number(score, 3), numeric: true },
        { label: 'Flagged', value: ([name]) => event.categories.includes(name) ? 'yes' : '' },
      ], scores));
    detail.focus();
  };

  form.addEventListener('submit', e => { e.preventDefault(); load(false); });
  clear(root, form, list, detail);
  await load(false);
}
