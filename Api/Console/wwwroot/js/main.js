// The shell: who is signed in, sign-out, and the page's own script.
import { csrfToken, signInAgain } from './api.js';
import { errorBox, clear } from './ui.js';

const session = JSON.parse(document.querySelector('meta[name="console-session"]').content);
document.getElementById('who').textContent = `${session.key} · ${session.scopes.join(', ')}`;

document.getElementById('sign-out').addEventListener('click', async () => {
  await fetch('/console/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrfToken() }, credentials: 'same-origin' });
  location.assign('/console/sign-in');
});

const root = document.getElementById('page');
const name = document.body.dataset.page;
try {
  const page = await import(`./pages/${name}.js`);
  await page.render(root, session);
} catch (error) {
  if (error?.status === 401) signInAgain();
  else clear(root, errorBox(error));
}
document.body.dataset.ready = 'true';
