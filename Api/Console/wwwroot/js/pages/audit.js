// The audit log: every admin change with who made it and the entity before and after.
import { get } from '../api.js';
import { h, clear, table, time, field, errorBox } from '../ui.js';

export async function render(root) {
  const form = h('form', { class: 'controls', id: 'audit-form', novalidate: true },
    field('Entity type', 'audit-type', h('select', { name: 'entity_type' }, h('option', { value: '' }, 'Any'),
      ['organization', 'project', 'tier', 'api_key', 'model_price'].map(t => h('option', { value: t }, t)))),
    field('Entity id', 'audit-id', h('input', { name: 'entity_id', placeholder: 'proj_3' })),
    h('button', { type: 'submit' }, 'Filter'));
  const list = h('section', { 'aria-label': 'Audit rows' });
  let rows = [];
  let after = null;

  const load = async more => {
    const type = form.elements.entity_type.value;
    const id = form.elements.entity_id.value.trim();
    const filters = (type ? `&entity_type=${type}` : '') + (id ? `&entity_id=${encodeURIComponent(id)}` : '');
    try {
      const page = await get(`/admin/audit?limit=50${filters}${more && after ? `&after=${after}` : ''}`);
      rows = more ? [...rows, ...page.data] : page.data;
      after = page.has_more ? page.last_id : null;
      clear(list,
        table('Audit log', [
          { label: 'Time', value: r => time(r.created_at) },
          { label: 'Actor', value: r => r.actor_display },
          { label: 'Action', value: r => r.action },
          { label: 'Entity', value: r => `${r.entity_type} ${r.entity_id}` },
          { label: 'Change', value: r => h('details', {}, h('summary', {}, 'Before and after'),
              h('pre', {}, JSON.stringify({ before: r.before, after: r.after }, null, 2))) },
        ], rows, 'No audit rows match.'),
        after ? h('button', { type: 'button', class: 'secondary', onclick: () => load(true) }, 'Load more') : null);
    } catch (error) { clear(list, errorBox(error)); }
  };
  form.addEventListener('submit', e => { e.preventDefault(); load(false); });
  clear(root, form, list);
  await load(false);
}
