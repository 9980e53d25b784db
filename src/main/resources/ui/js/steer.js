// Steering: pause, unpause, skip, kill and retry on jobs, layers and tasks, one or many at once.

import {api} from './api.js';
import {h, toast} from './dom.js';

export const ACTIONS = [
  {name: 'pause', label: 'Pause'},
  {name: 'unpause', label: 'Unpause'},
  {name: 'skip', label: 'Skip', destructive: true},
  {name: 'kill', label: 'Kill', destructive: true},
  {name: 'retry', label: 'Retry'},
];

const ETAGS_KEY = 'igor.useEtags';

export function setUpEtagToggle() {
  const box = document.getElementById('use-etags');
  box.checked = localStorage.getItem(ETAGS_KEY) !== 'false';
  box.addEventListener('change', () => localStorage.setItem(ETAGS_KEY, String(box.checked)));
}

function useEtags() {
  return document.getElementById('use-etags').checked;
}

/** The reference PATCH takes, with the etag the page shows when the toggle says so. */
export function ref(kind, object) {
  return {kind, id: object.id, etag: object.etag};
}

function describe(refs) {
  const byKind = {};
  for (const r of refs) byKind[r.kind] = (byKind[r.kind] || 0) + 1;
  return Object.entries(byKind)
      .map(([kind, n]) => `${n} ${kind.toLowerCase()}${n === 1 ? '' : 's'}`).join(', ');
}

function confirmAction(text, label) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = label;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.showModal();
  });
}

/** Runs an action on refs (after a confirmation when it is destructive) and says what it did. */
export async function steer(action, refs, after) {
  if (refs.length === 0) return;
  const what = describe(refs);
  if (action.destructive) {
    const sure = await confirmAction(`${action.label} ${what}? This cannot be undone.`, action.label);
    if (!sure) return;
  }
  const body = refs.map((r) => (useEtags() && r.etag ? r : {kind: r.kind, id: r.id}));
  try {
    const updated = await api.act(action.name, body);
    toast(updated > 0
        ? `${action.label}: ${updated} updated (of ${what})`
        : `${action.label}: 0 updated: the state did not allow it or the etag was stale`,
        updated > 0 ? 'ok' : 'warn');
  } catch (e) {
    toast(`${action.label} failed: ${e.message}`, 'error');
  }
  if (after) after();
}

/** A row of buttons acting on what refs() gives (a function, read at the click). */
export function actionButtons(refs, {label = '', after, keyPrefix = ''} = {}) {
  return h('div', {class: 'actions', role: 'group', 'aria-label': label ? `Actions on ${label}` : 'Actions'},
      ACTIONS.map((a) => h('button', {
        type: 'button',
        class: a.destructive ? 'danger small' : 'small',
        'data-key': `${keyPrefix}:${a.name}`,
        'data-action': a.name,
        'aria-label': label ? `${a.label} ${label}` : a.label,
        onclick: () => steer(a, refs(), after),
      }, a.label)));
}

/**
 * A multi-selection of jobs, layers and tasks: checkboxes add to it, the bar acts on all of it.
 * The etag kept is the one last drawn, so acting sends what the page shows.
 */
export class Selection {
  constructor(onChange) {
    this.items = new Map();
    this.onChange = onChange;
  }

  has(id) { return this.items.has(id); }

  /** Keeps a selected object's etag current as the page redraws it. */
  seen(kind, object) {
    if (this.items.has(object.id)) this.items.set(object.id, ref(kind, object));
  }

  toggle(kind, object, on) {
    if (on) this.items.set(object.id, ref(kind, object));
    else this.items.delete(object.id);
    this.onChange();
  }

  clear() {
    this.items.clear();
    this.onChange();
  }

  refs() { return [...this.items.values()]; }

  checkbox(kind, object, label) {
    this.seen(kind, object);
    return h('input', {
      type: 'checkbox',
      class: 'pick',
      'data-key': `pick:${object.id}`,
      'aria-label': `Select ${label}`,
      checked: this.has(object.id),
      onchange: (e) => this.toggle(kind, object, e.target.checked),
    });
  }

  /** The bar: "3 selected", the actions, and Clear. */
  bar(after) {
    const n = this.items.size;
    return h('div', {class: 'selection-bar', 'data-empty': n === 0 ? 'yes' : 'no'},
        h('span', {class: 'count'}, n === 0 ? 'Nothing selected' : `${n} selected (${describe(this.refs())})`),
        n === 0 ? null : actionButtons(() => this.refs(), {label: 'selection', after, keyPrefix: 'selection'}),
        n === 0 ? null : h('button', {type: 'button', class: 'small link', 'data-key': 'selection:clear', onclick: () => this.clear()}, 'Clear selection'));
  }
}
