// The playground: a chat completion streamed through the real /v1/chat/completions, with its usage, finish reason,
// time to first token and rate-limit headers, and the same request as curl, Python and JavaScript.
import { get, request, ApiError } from '../api.js';
import { h, clear, field, errorBox, number } from '../ui.js';

export async function render(root) {
  const models = (await get('/v1/models')).data;
  const form = h('form', { id: 'playground-form', novalidate: true },
    h('div', { class: 'controls' },
      field('Model', 'pg-model', h('select', { name: 'model' }, models.map(m => h('option', { value: m.id }, m.id)))),
      field('Temperature', 'pg-temperature', h('input', { name: 'temperature', type: 'number', min: 0, max: 2, step: 0.1, value: 0.7 })),
      field('Max tokens', 'pg-max-tokens', h('input', { name: 'max_tokens', type: 'number', min: 1, value: 128 })),
      field('Stop (comma-separated)', 'pg-stop', h('input', { name: 'stop' })),
      field('Seed', 'pg-seed', h('input', { name: 'seed', type: 'number' }))),
    field('System message', 'pg-system', h('textarea', { name: 'system', rows: 2 }, 'You are a helpful assistant.')),
    field('User message', 'pg-user', h('textarea', { name: 'user', rows: 4 }, 'Write a haiku about the sea.')),
    h('div', { class: 'controls' },
      h('button', { type: 'submit', id: 'pg-run' }, 'Run'),
      h('button', { type: 'button', class: 'secondary', id: 'pg-stop-button', disabled: true }, 'Stop'),
      h('button', { type: 'button', class: 'secondary', id: 'pg-view-code', 'aria-expanded': 'false', 'aria-controls': 'pg-code' }, 'View code')));
  const answer = h('output', { id: 'answer', 'aria-live': 'polite', for: 'pg-user' });
  const facts = h('dl', { class: 'facts', id: 'pg-facts' });
  const message = h('div');
  const code = h('section', { id: 'pg-code', hidden: true, 'aria-label': 'The request as code' });
  let controller = null;

  const body = () => {
    const e = form.elements;
    const payload = {
      model: e.model.value,
      messages: [
        ...(e.system.value.trim() ? [{ role: 'system', content: e.system.value }] : []),
        { role: 'user', content: e.user.value },
      ],
      temperature: Number(e.temperature.value),
      max_tokens: Number(e.max_tokens.value),
    };
    const stop = e.stop.value.split(',').map(s => s.trim()).filter(Boolean);
    if (stop.length) payload.stop = stop;
    if (e.seed.value !== '') payload.seed = Number(e.seed.value);
    return payload;
  };

  form.addEventListener('submit', async event => {
    event.preventDefault();
    controller = new AbortController();
    form.querySelector('#pg-run').disabled = true;
    form.querySelector('#pg-stop-button').disabled = false;
    clear(answer);
    clear(facts);
    clear(message);
    try {
      await run({ ...body(), stream: true, stream_options: { include_usage: true } }, answer, facts, controller.signal);
    } catch (error) {
      if (error.name !== 'AbortError') clear(message, errorBox(error));
    } finally {
      form.querySelector('#pg-run').disabled = false;
      form.querySelector('#pg-stop-button').disabled = true;
    }
  });
  form.querySelector('#pg-stop-button').addEventListener('click', () => controller?.abort());
  form.querySelector('#pg-view-code').addEventListener('click', event => {
    const open = code.hidden;
    code.hidden = !open;
    event.currentTarget.setAttribute('aria-expanded', String(open));
    if (open) showCode(code, body());
  });

  clear(root, h('div', { class: 'two' },
    h('div', {}, form),
    h('div', {}, h('h2', {}, 'Answer'), message, answer, h('h2', {}, 'Response'), facts)), code);
}

async function run(payload, answer, facts, signal) {
  const started = performance.now();
  const response = await request('POST', '/v1/chat/completions', payload, { signal });
  const limits = [...response.headers].filter(([name]) => name.startsWith('x-ratelimit-'));
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));

  let firstTokenMs = null, finish = null, usage = null, buffer = '';
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
      if (!data || data === '[DONE]') continue;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new ApiError(500, chunk);
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) {
        firstTokenMs ??= performance.now() - started;
        answer.append(choice.delta.content);
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
  }
  const totalMs = performance.now() - started;
  clear(facts,
    h('dt', {}, 'Finish reason'), h('dd', { id: 'pg-finish' }, finish ?? '—'),
    h('dt', {}, 'Time to first token'), h('dd', { id: 'pg-ttft' }, firstTokenMs === null ? '—' : `${number(firstTokenMs, 0)} ms`),
    h('dt', {}, 'Total time'), h('dd', { id: 'pg-total' }, `${number(totalMs, 0)} ms`),
    h('dt', {}, 'Usage'), h('dd', { id: 'pg-usage' }, usage ? `${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion = ${usage.total_tokens} tokens` : '—'),
    limits.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
}

function showCode(area, payload) {
  const base = `${location.origin}/v1`;
  const json = JSON.stringify({ ...payload, stream: true }, null, 2);
  const python = `from openai import OpenAI

client = OpenAI(base_url="${base}", api_key=os.environ["PLATFORM_API_KEY"])
stream = client.chat.completions.create(
${Object.entries({ ...payload, stream: true }).map(([k, v]) => `    ${k}=${pythonValue(v)},`).join('\n')}
)
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)`;
  const samples = {
    curl: `curl ${base}/chat/completions \\
  -H "Authorization: Bearer $PLATFORM_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${json.replaceAll("'", "'\\''")}'`,
    Python: `import os\n${python}`,
    JavaScript: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${base}", apiKey: process.env.PLATFORM_API_KEY });
const stream = await client.chat.completions.create(${json.replaceAll('\n', '\n')});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}`,
  };
  const panel = h('pre', { id: 'pg-code-text', tabindex: '0' });
  const tabs = h('div', { role: 'tablist', 'aria-label': 'Language' });
  const select = name => {
    panel.textContent = samples[name];
    for (const tab of tabs.children) tab.setAttribute('aria-selected', String(tab.textContent === name));
  };
  for (const name of Object.keys(samples)) tabs.append(h('button', { type: 'button', role: 'tab', 'aria-selected': 'false', onclick: () => select(name) }, name));
  clear(area, h('h2', {}, 'The same request as code'), h('p', { class: 'muted' }, 'The key is read from PLATFORM_API_KEY: the console never shows yours.'), tabs, panel);
  select('curl');
}

function pythonValue(value) {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return JSON.stringify(value);
}
