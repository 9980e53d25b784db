// Adding tasks to a layer that has not started (or runs paused): POST /api/v1/tasks.

import {api} from './api.js';
import {h, toast, toBase64} from './dom.js';

/** Whether Igor would take new tasks into the layer (it decides; this only offers the form). */
export function takesTasks(layer) {
  return layer.status === 'PENDING' || (layer.status === 'RUNNING' && layer.paused_at > 0);
}

/**
 * A form adding `count` tasks of one type to the layer; the server's refusal (400, 409, 413) is
 * shown in it. onDone(n) after tasks were added, onCancel() when closed.
 */
export function addTasksForm(layer, {onDone, onCancel}) {
  const label = layer.name || layer.id.slice(0, 8);
  const error = h('p', {class: 'error', role: 'alert', id: 'add-error'});
  const field = (id, text, input, help) => h('div', {class: 'field'},
      h('label', {for: id}, text), input, help ? h('span', {class: 'muted small', id: `${id}-help`}, help) : null);
  const type = h('input', {id: 'add-type', name: 'type', required: true, autocomplete: 'off', 'aria-describedby': 'add-error'});
  const name = h('input', {id: 'add-name', name: 'name', autocomplete: 'off'});
  const args = h('textarea', {id: 'add-args', name: 'args', rows: 3, spellcheck: 'false', 'aria-describedby': 'add-args-help'});
  const count = h('input', {id: 'add-count', name: 'count', type: 'number', min: '1', max: '1000', value: '1', 'aria-describedby': 'add-count-help'});
  const retries = h('input', {id: 'add-retries', name: 'retries', type: 'number', min: '0', placeholder: 'default'});
  const timeout = h('input', {id: 'add-timeout', name: 'timeout', type: 'number', min: '0', placeholder: 'none', 'aria-describedby': 'add-timeout-help'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Add tasks');

  function refuse(message, input) {
    error.textContent = message;
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  }

  async function add(e) {
    e.preventDefault();
    for (const input of [type, count, retries, timeout]) input.removeAttribute('aria-invalid');
    error.textContent = '';
    if (!type.value.trim()) return refuse('A task needs a type: the handler that runs it.', type);
    const n = Number(count.value);
    if (!Number.isInteger(n) || n < 1 || n > 1000) return refuse('How many: a whole number from 1 to 1000.', count);
    const task = {layer_id: layer.id, type: type.value.trim()};
    if (name.value.trim()) task.name = name.value.trim();
    if (args.value) task.args = toBase64(args.value);
    if (retries.value !== '') task.retries = Number(retries.value);
    if (timeout.value !== '') task.timeout = Number(timeout.value);
    submit.disabled = true;
    try {
      const added = await api.addTasks(JSON.stringify(Array.from({length: n}, () => task)));
      toast(`Added ${added.length} task${added.length === 1 ? '' : 's'} to layer ${label}`, 'ok');
      onDone(added.length);
    } catch (apiError) {
      refuse(`Igor refused the tasks (${apiError.status || 'no answer'}): ${apiError.message}`);
    } finally {
      submit.disabled = false;
    }
  }

  const form = h('form', {class: 'add-tasks', onsubmit: add, novalidate: true, 'aria-labelledby': 'add-h'},
      h('h2', {id: 'add-h'}, `Add tasks to layer ${label}`),
      h('div', {class: 'fields'},
          field('add-type', 'Type', type),
          field('add-name', 'Name', name),
          field('add-count', 'How many', count, 'alike, 1 to 1000'),
          field('add-retries', 'Retries', retries),
          field('add-timeout', 'Time-out (s)', timeout, 'per attempt')),
      field('add-args', 'Args (text)', args, 'sent as base64'),
      error,
      h('div', {class: 'buttons'}, submit,
          h('button', {type: 'button', onclick: () => onCancel()}, 'Cancel')));
  setTimeout(() => type.focus(), 0);
  return form;
}
