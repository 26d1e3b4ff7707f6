// Organizations and their projects: list, create, rename, and move a project to another tier.
import { listAll, post } from '../api.js';
import { h, clear, table, time, field, showError, clearErrors, announce, errorBox } from '../ui.js';

export async function render(root) {
  const [organizations, tiers] = await Promise.all([listAll('/admin/organizations'), listAll('/admin/tiers')]);
  const projectsArea = h('section', { 'aria-labelledby': 'projects-heading' });
  const message = h('div');

  const createForm = h('form', { class: 'inline', id: 'create-organization', novalidate: true },
    field('New organization name', 'organization-name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Create organization'));
  createForm.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const created = await post('/admin/organizations', { name: createForm.elements.name.value });
      announce(`Organization ${created.name} created.`);
      await render(root);
      document.getElementById(`projects-of-${created.id}`)?.click();
    } catch (error) { showError(createForm, error, message); }
  });

  const rows = table('Organizations', [
    { label: 'Id', value: o => o.id },
    { label: 'Name', value: o => renameForm(o, `/admin/organizations/${o.id}`, message) },
    { label: 'Created', value: o => time(o.created_at) },
    { label: 'Projects', value: o => h('button', { type: 'button', class: 'secondary', id: `projects-of-${o.id}`,
        onclick: () => showProjects(projectsArea, o, tiers) }, `Projects of ${o.name}`) },
  ], organizations);

  clear(root, message, h('h2', {}, 'Organizations'), rows, createForm, projectsArea);
  if (organizations.length > 0) await showProjects(projectsArea, organizations[0], tiers);
}

function renameForm(item, path, message) {
  const form = h('form', { class: 'inline', novalidate: true },
    h('input', { name: 'name', value: item.name, 'aria-label': `Name of ${item.id}`, required: true }),
    h('button', { type: 'submit', class: 'secondary' }, 'Rename'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const changed = await post(path, { name: form.elements.name.value });
      announce(`Renamed to ${changed.name}.`);
    } catch (error) { clear(message, errorBox(error)); }
  });
  return form;
}

async function showProjects(area, organization, tiers) {
  const projects = await listAll(`/admin/organizations/${organization.id}/projects`);
  const message = h('div');
  const tierSelect = (name, selected, label) => h('select', { name, 'aria-label': label },
    tiers.map(t => h('option', { value: t.id, selected: t.id === selected }, `${t.name} (${t.id})`)));

  const projectRow = p => {
    const form = h('form', { class: 'inline', novalidate: true },
      h('input', { name: 'name', value: p.name, 'aria-label': `Name of ${p.id}`, required: true }),
      tierSelect('tier_id', p.tier_id, `Tier of ${p.id}`),
      h('button', { type: 'submit', class: 'secondary' }, 'Save'));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        const changed = await post(`/admin/projects/${p.id}`, { name: form.elements.name.value, tier_id: form.elements.tier_id.value });
        announce(`Project ${changed.name} saved (tier ${changed.tier_id}).`);
      } catch (error) { clear(message, errorBox(error)); }
    });
    return form;
  };

  const createForm = h('form', { class: 'inline', id: 'create-project', novalidate: true },
    field('New project name', 'project-name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
    field('Tier', 'project-tier', tierSelect('tier_id', tiers[0]?.id)),
    h('button', { type: 'submit' }, 'Create project'));
  createForm.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(createForm);
    try {
      const created = await post(`/admin/organizations/${organization.id}/projects`, { name: createForm.elements.name.value, tier_id: createForm.elements.tier_id.value });
      announce(`Project ${created.name} created.`);
      await showProjects(area, organization, tiers);
    } catch (error) { showError(createForm, error, message); }
  });

  clear(area,
    h('h2', { id: 'projects-heading' }, `Projects of ${organization.name}`),
    message,
    table(`Projects of ${organization.name}`, [
      { label: 'Id', value: p => p.id },
      { label: 'Name and tier', value: projectRow },
      { label: 'Created', value: p => time(p.created_at) },
      { label: 'Keys', value: p => h('a', { href: `/console/keys?project=${p.id}` }, `Keys of ${p.name}`) },
    ], projects, 'No projects yet.'),
    createForm);
}

