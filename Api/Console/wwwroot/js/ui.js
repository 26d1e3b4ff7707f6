// Small DOM helpers: elements, tables, messages and errors placed next to the field the API names.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** columns: [{ label, value(row) -> node or text, numeric }] */
export function table(caption, columns, rows, empty = 'Nothing yet.') {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h('table', {},
    h('caption', { class: 'muted' }, caption),
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
    h('tbody', {}, rows.map(row => h('tr', {}, columns.map(c => h('td', { class: c.numeric ? 'num' : null }, c.value(row)))))));
}

export function time(unix) {
  if (unix === null || unix === undefined) return '—';
  return new Date(unix * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function number(value, digits = 0) {
  return Number(value ?? 0).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function announce(message) {
  const announcer = document.getElementById('announcer');
  if (announcer) announcer.textContent = message;
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error?.message ?? String(error));
}

/** A labelled input with a slot for its error; the error's id is `${id}-error`. */
export function field(label, id, input) {
  input.id = id;
  input.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, h('p', { id: `${id}-error`, class: 'field-error' }));
}

/** Shows an API error next to the input named by its param (within scope), or in the fallback element. */
export function showError(scope, error, fallback) {
  for (const element of scope.querySelectorAll('[aria-invalid="true"]')) element.removeAttribute('aria-invalid');
  for (const element of scope.querySelectorAll('.field-error')) element.textContent = '';
  const input = error?.param ? scope.querySelector(`[name="${CSS.escape(error.param)}"]`) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const slot = document.getElementById(input.getAttribute('aria-describedby'));
    if (slot) {
      slot.textContent = error.message;
      slot.setAttribute('role', 'alert');
    }
    input.focus();
    return;
  }
  if (fallback) clear(fallback, errorBox(error));
}

export function clearErrors(scope) {
  for (const element of scope.querySelectorAll('[aria-invalid="true"]')) element.removeAttribute('aria-invalid');
  for (const element of scope.querySelectorAll('.field-error')) element.textContent = '';
}

/** Unix seconds of a yyyy-mm-dd date input at UTC midnight. */
export function dateToUnix(value) {
  return Math.floor(Date.parse(value + 'T00:00:00Z') / 1000);
}

export function unixToDate(unix) {
  return new Date(unix * 1000).toISOString().slice(0, 10);
}
