// Tiers and model prices: view and edit; the API validates, and its error is shown next to the field it names.
import { listAll, post } from '../api.js';
import { h, clear, table, time, field, showError, clearErrors, announce, number, errorBox } from '../ui.js';

const limits = [
  ['requests_per_minute', 'Requests per minute'],
  ['tokens_per_minute', 'Tokens per minute'],
  ['tokens_per_day', 'Tokens per day'],
  ['monthly_token_quota', 'Monthly token quota (empty: none)'],
  ['max_concurrent_requests', 'Concurrent requests'],
  ['waiting_room_priority', 'Waiting-room priority (0-100)'],
];

export async function render(root) {
  const [tiers, prices] = await Promise.all([listAll('/admin/tiers'), listAll('/admin/model_prices')]);
  clear(root, h('h2', {}, 'Tiers'), tiers.map(tierForm), h('h2', {}, 'Model prices'), pricesSection(root, prices));
}

function tierForm(tier) {
  const id = name => `${tier.id}-${name}`;
  const message = h('div');
  const form = h('form', { id: `tier-${tier.id}`, novalidate: true },
    h('fieldset', {},
      h('legend', {}, `${tier.name} (${tier.id})`),
      h('div', { class: 'fields' },
        field('Name', id('name'), h('input', { name: 'name', value: tier.name })),
        limits.map(([name, label]) => field(label, id(name), h('input', { name, type: 'text', inputmode: 'numeric', value: tier[name] ?? '' }))),
        field('Allowed models (comma-separated; empty: all)', id('allowed_models'), h('input', { name: 'allowed_models', value: tier.allowed_models.join(', ') })),
        field('Moderation', id('moderation_mode'), h('select', { name: 'moderation_mode' },
          ['off', 'flag', 'block'].map(m => h('option', { value: m, selected: m === tier.moderation_mode }, m))))),
      message,
      h('button', { type: 'submit' }, `Save ${tier.name}`),
      h('p', { class: 'muted' }, `Updated ${time(tier.updated_at)}`)));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    clear(message);
    const body = { name: form.elements.name.value, moderation_mode: form.elements.moderation_mode.value };
    for (const [name] of limits) {
      const text = form.elements[name].value.trim();
      // Sent as typed (a number when it reads as one): the API is the one judge of what is valid.
      body[name] = text === '' ? (name === 'monthly_token_quota' ? null : undefined) : (/^-?\d+$/.test(text) ? Number(text) : text);
    }
    body.allowed_models = form.elements.allowed_models.value.split(',').map(s => s.trim()).filter(Boolean);
    try {
      const saved = await post(`/admin/tiers/${tier.id}`, body);
      announce(`Tier ${saved.name} saved.`);
    } catch (error) { showError(form, error, message); }
  });
  return form;
}

function pricesSection(root, prices) {
  const message = h('div');
  const form = h('form', { class: 'inline', id: 'create-price', novalidate: true },
    field('Model', 'price-model', h('input', { name: 'model', required: true })),
    field('Input $ / 1M tokens', 'price-input', h('input', { name: 'input_per_million', inputmode: 'decimal' })),
    field('Cached input $ / 1M', 'price-cached', h('input', { name: 'cached_input_per_million', inputmode: 'decimal', value: '0' })),
    field('Output $ / 1M tokens', 'price-output', h('input', { name: 'output_per_million', inputmode: 'decimal' })),
    field('Effective from (optional)', 'price-from', h('input', { name: 'effective_from', type: 'datetime-local' })),
    h('button', { type: 'submit' }, 'Add price'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const numberOf = name => {
      const text = form.elements[name].value.trim();
      return text === '' ? undefined : (Number.isFinite(Number(text)) ? Number(text) : text);
    };
    const from = form.elements.effective_from.value;
    try {
      const created = await post('/admin/model_prices', {
        model: form.elements.model.value,
        input_per_million: numberOf('input_per_million'),
        cached_input_per_million: numberOf('cached_input_per_million'),
        output_per_million: numberOf('output_per_million'),
        ...(from ? { effective_from: Math.floor(Date.parse(from + 'Z') / 1000) } : {}),
      });
      announce(`Price for ${created.model} added.`);
      await render(root);
    } catch (error) { showError(form, error, message); }
  });
  return h('div', {},
    table('Model prices (USD per million tokens)', [
      { label: 'Model', value: p => p.model },
      { label: 'Input', value: p => number(p.input_per_million, 4), numeric: true },
      { label: 'Cached input', value: p => number(p.cached_input_per_million, 4), numeric: true },
      { label: 'Output', value: p => number(p.output_per_million, 4), numeric: true },
      { label: 'Effective from', value: p => time(p.effective_from) },
      { label: 'Correct', value: p => p.effective_from * 1000 > Date.now() ? correction(root, p, message) : h('span', { class: 'muted' }, 'in effect') },
    ], prices, 'No prices: usage costs nothing.'),
    message, form);
}

/** Only a price not yet in effect may be corrected (the API refuses the others with 409). */
function correction(root, price, message) {
  const form = h('form', { class: 'inline', id: `price-${price.id}`, novalidate: true },
    ['input_per_million', 'cached_input_per_million', 'output_per_million'].map(name =>
      h('input', { name, value: String(price[name]), inputmode: 'decimal', size: 7, 'aria-label': `${name.replaceAll('_', ' ')} of ${price.id}` })),
    h('button', { type: 'submit', class: 'secondary' }, `Save ${price.id}`));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const body = {};
    for (const input of form.querySelectorAll('input')) {
      const text = input.value.trim();
      body[input.name] = Number.isFinite(Number(text)) && text !== '' ? Number(text) : text;
    }
    try {
      await post(`/admin/model_prices/${price.id}`, body);
      announce(`Price ${price.id} corrected.`);
    } catch (error) { clear(message, errorBox(error)); }
  });
  return form;
}
