// Every call goes to /console/api/..., which the server turns into the same /admin or /v1 call with the session's key.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `The request failed (HTTP ${status}).`);
    this.status = status;
    this.param = body?.error?.param ?? null;
    this.code = body?.error?.code ?? null;
  }
}

export function signInAgain() {
  location.assign('/console/sign-in?next=' + encodeURIComponent(location.pathname));
}

export async function request(method, path, body, options = {}) {
  const headers = { ...(options.headers ?? {}) };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/console/api' + path, {
    method, headers, credentials: 'same-origin', signal: options.signal,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    signInAgain();
    throw new ApiError(401, await response.json().catch(() => null));
  }
  return response;
}

export async function call(method, path, body) {
  const response = await request(method, path, body);
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = path => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});

/** Every item of an admin list, page after page. */
export async function listAll(path) {
  const items = [];
  let after = null;
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${separator}limit=100${after ? '&after=' + encodeURIComponent(after) : ''}`);
    items.push(...page.data);
    if (!page.has_more || !page.last_id) return items;
    after = page.last_id;
  }
}

/** Every project, with its organization's name. */
export async function allProjects() {
  const organizations = await listAll('/admin/organizations');
  const lists = await Promise.all(organizations.map(o => listAll(`/admin/organizations/${o.id}/projects`)
    .then(projects => projects.map(p => ({ ...p, organization_name: o.name })))));
  return lists.flat();
}

export function csrfToken() {
  return csrf;
}
