// Exchanges the typed key for a session cookie; the key leaves this page only in that one request.
const form = document.getElementById('sign-in-form');
const input = document.getElementById('api-key');
const error = document.getElementById('api-key-error');
const submit = form.querySelector('button[type=submit]');

form.addEventListener('submit', async event => {
  event.preventDefault();
  error.textContent = '';
  input.removeAttribute('aria-invalid');
  const response = await fetch('/console/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ api_key: input.value.trim() }),
    credentials: 'same-origin',
  });
  input.value = '';
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    error.textContent = body?.error?.message ?? `Sign-in failed (${response.status}).`;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  const next = new URLSearchParams(location.search).get('next');
  // Only our own pages: an open redirect would let a link send a signed-in user anywhere.
  location.assign(next && /^\/console\/[a-z-]+$/.test(next) ? next : '/console');
});

// Only now can a submission go through fetch; until here the button stays disabled (see sign-in.html).
submit.disabled = false;
