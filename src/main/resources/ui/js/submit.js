// Submitting a job: pasted JSON in the shape of POST /api/v1/jobs, its errors shown beside it.

import {api} from './api.js';
import {h, replaceContent, toBase64} from './dom.js';
import {navigate} from './router.js';

const EXAMPLE = {
  name: 'hello',
  layers: [
    {name: 'fetch', priority: 0, tasks: [
      {type: 'sleep', args: toBase64('2')},
      {type: 'echo', name: 'greet', args: toBase64('hello igor')},
    ]},
    {name: 'report', priority: 10, tasks: [{type: 'noop'}]},
  ],
};

/** Where JSON.parse stopped, as "line 3, column 5", from the position in its message. */
function where(text, message) {
  const m = /position (\d+)/.exec(message);
  if (!m || /line \d+/.test(message)) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = Number(m[1]) - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

export function submitPage(main) {
  document.title = 'New job · Igor';
  const error = h('div', {id: 'json-error', class: 'error', role: 'alert'});
  const input = h('textarea', {
    id: 'job-json', name: 'job', rows: 18, spellcheck: 'false', 'aria-describedby': 'json-help json-error',
    placeholder: JSON.stringify(EXAMPLE, null, 2),
    oninput: () => { input.removeAttribute('aria-invalid'); error.textContent = ''; },
  });
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create job');

  function showError(message) {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  async function create(e) {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) return showError('Paste a job first: a JSON object with "layers" (see the example).');
    try {
      JSON.parse(text);
    } catch (parseError) {
      return showError(`Not valid JSON: ${parseError.message}${where(text, parseError.message)}`);
    }
    submit.disabled = true;
    try {
      const job = await api.createJob(text);
      navigate(`/jobs/${job.id}`);
    } catch (apiError) {
      showError(`Igor refused the job (${apiError.status || 'no answer'}): ${apiError.message}`);
    } finally {
      submit.disabled = false;
    }
  }

  const plain = h('input', {id: 'plain', type: 'text', autocomplete: 'off'});
  const encoded = h('output', {id: 'encoded', for: 'plain', class: 'mono'});
  plain.addEventListener('input', () => { encoded.textContent = plain.value ? toBase64(plain.value) : ''; });

  replaceContent(main,
      h('h1', {}, 'New job'),
      h('form', {class: 'submit', onsubmit: create, novalidate: true},
          h('label', {for: 'job-json'}, 'Job as JSON'),
          h('p', {id: 'json-help', class: 'muted'},
              'The body of POST /api/v1/jobs: a name and layers, each with a priority and tasks ',
              '(type, and optionally name, args in base64, retries, timeout, paused_at).'),
          input,
          error,
          h('div', {class: 'buttons'},
              submit,
              h('button', {type: 'button', onclick: () => { input.value = JSON.stringify(EXAMPLE, null, 2); input.focus(); }}, 'Insert example'))),
      h('section', {class: 'helper', 'aria-labelledby': 'b64-h'},
          h('h2', {id: 'b64-h'}, 'Args as base64'),
          h('label', {for: 'plain'}, 'Text'), plain,
          h('p', {}, 'Base64: ', encoded)));
  input.focus();
  return () => {};
}
