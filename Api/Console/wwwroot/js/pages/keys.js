// API keys of a project: create (the secret is shown once), rotate with a grace period, revoke after a confirmation.
import { allProjects, listAll, post } from '../api.js';
import { h, clear, table, time, field, showError, announce, errorBox } from '../ui.js';

export async function render(root) {
  const projects = await allProjects();
  const wanted = new URLSearchParams(location.search).get('project');
  const select = h('select', { name: 'project' },
    projects.map(p => h('option', { value: p.id, selected: p.id === wanted }, `${p.organization_name} / ${p.name} (${p.id})`)));
  const secretArea = h('div', { id: 'secret-area' });
  const message = h('div');
  const list = h('section', { 'aria-label': 'Keys' });

  const show = async () => {
    const keys = await listAll(`/admin/projects/${select.value}/api_keys`);
    clear(list, table('API keys of the project', [
      { label: 'Name', value: k => k.name },
      { label: 'Key', value: k => h('code', {}, k.redacted_value) },
      { label: 'Scopes', value: k => k.scopes.join(', ') },
      { label: 'Status', value: k => k.status },
      { label: 'Created', value: k => time(k.created_at) },
      { label: 'Last used', value: k => time(k.last_used_at) },
      { label: 'Expires', value: k => k.grace_until ? `${time(k.grace_until)} (rotation grace)` : time(k.expires_at) },
      { label: 'Actions', value: k => k.status === 'revoked' || k.status === 'replaced' ? '' : actions(k) },
    ], keys, 'This project has no keys.'));
  };

  const actions = key => {
    const grace = h('input', { type: 'number', min: 0, value: 3600, name: 'grace_seconds', 'aria-label': `Grace seconds for ${key.name}`, size: 6 });
    return h('div', { class: 'inline' },
      grace,
      h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try {
          const rotation = await post(`/admin/api_keys/${key.id}/rotate`, { grace_seconds: Number(grace.value) });
          showSecret(secretArea, rotation.new_key, `Rotated ${key.name}: the old secret works until ${time(rotation.old_key.grace_until)}.`);
          await show();
        } catch (error) { clear(message, errorBox(error)); }
      } }, `Rotate ${key.name}`),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(`Revoke the key ${key.name} (${key.redacted_value})? It stops working at once and cannot be restored.`)) return;
        try {
          await post(`/admin/api_keys/${key.id}/revoke`);
          announce(`Key ${key.name} revoked.`);
          await show();
        } catch (error) { clear(message, errorBox(error)); }
      } }, `Revoke ${key.name}`));
  };

  const createForm = h('form', { class: 'inline', id: 'create-key', novalidate: true },
    field('New key name', 'key-name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
    h('fieldset', {}, h('legend', {}, 'Scopes'),
      h('label', {}, h('input', { type: 'checkbox', name: 'scope', value: 'inference', checked: true }), ' inference'), ' ',
      h('label', {}, h('input', { type: 'checkbox', name: 'scope', value: 'admin' }), ' admin')),
    field('Expires (optional)', 'key-expires', h('input', { type: 'date', name: 'expires_at' })),
    h('button', { type: 'submit' }, 'Create key'));
  createForm.addEventListener('submit', async event => {
    event.preventDefault();
    const scopes = [...createForm.querySelectorAll('input[name="scope"]:checked')].map(c => c.value);
    const expires = createForm.elements.expires_at.value;
    try {
      const created = await post(`/admin/projects/${select.value}/api_keys`, {
        name: createForm.elements.name.value, scopes,
        ...(expires ? { expires_at: Math.floor(Date.parse(expires + 'T00:00:00Z') / 1000) } : {}),
      });
      showSecret(secretArea, created, `Key ${created.name} created.`);
      createForm.reset();
      await show();
    } catch (error) { showError(createForm, error, message); }
  });

  select.addEventListener('change', () => { clear(secretArea); show(); });
  clear(root,
    h('form', { class: 'inline', onsubmit: e => e.preventDefault() }, field('Project', 'project', select)),
    message, secretArea, list, h('h2', {}, 'Create a key'), createForm);
  if (projects.length > 0) await show();
}

/** The secret lives only in this element: not in storage, not in the URL; a reload shows it no more. */
function showSecret(area, key, heading) {
  const code = h('code', { id: 'new-secret' }, key.value);
  const copied = h('span', { role: 'status' });
  clear(area, h('div', { class: 'secret', role: 'alert' },
    h('p', {}, h('strong', {}, heading), ' Copy the secret now: you will not see it again.'),
    h('p', {}, code, ' ',
      h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try {
          await navigator.clipboard.writeText(key.value);
          copied.textContent = 'Copied.';
        } catch {
          getSelection().selectAllChildren(code);
          copied.textContent = 'Selected: press Ctrl+C to copy.';
        }
      } }, 'Copy secret'), ' ', copied),
    h('button', { type: 'button', class: 'secondary', onclick: () => clear(area) }, 'I have copied it')));
  area.querySelector('button').focus();
}
