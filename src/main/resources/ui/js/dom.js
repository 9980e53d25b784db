// Small helpers to build the page: elements, times, statuses, progress bars, bytes as text.

export const STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'KILLED', 'COMPLETED', 'ERRORED', 'SKIPPED'];
const DONE = new Set(['COMPLETED', 'SKIPPED']);

/** h('a', {href: '/', class: 'x', onclick: f}, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    // through the CSSOM: the Content-Security-Policy refuses style attributes (no 'unsafe-inline')
    else if (key === 'style') el.style.cssText = value;
    else if (key === 'checked' || key === 'value' || key === 'selected' || key === 'indeterminate') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Puts new content in place of the old and gives focus back to the element with the same
 * data-key, so that live refreshes do not take a keyboard user's place away.
 */
export function replaceContent(container, ...content) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.getAttribute('data-key') : null;
  container.replaceChildren();
  append(container, content);
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus({preventScroll: true});
  }
}

const pad = (n) => String(n).padStart(2, '0');

/** Unix seconds as local "2026-01-31 14:05:09"; 0 as a dash. */
export function time(seconds) {
  if (!seconds) return '—';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function timeCell(seconds) {
  return h('time', seconds ? {datetime: new Date(seconds * 1000).toISOString()} : {}, time(seconds));
}

export function statusBadge(status, pausedAt) {
  return h('span', {class: 'badges'},
      h('span', {class: `status s-${String(status).toLowerCase()}`}, status),
      pausedAt ? h('span', {class: 'status s-paused', title: `paused at ${time(pausedAt)}`}, 'PAUSED') : null);
}

export function total(counts) {
  return STATUSES.reduce((sum, s) => sum + ((counts && counts[s]) || 0), 0);
}

export function doneCount(counts) {
  return STATUSES.filter((s) => DONE.has(s)).reduce((sum, s) => sum + ((counts && counts[s]) || 0), 0);
}

export function isDone(status) {
  return DONE.has(status);
}

/** A bar of the tasks by status, and "7 / 10 done" beside it. */
export function progress(counts) {
  const all = total(counts);
  const described = STATUSES.filter((s) => counts && counts[s]).map((s) => `${counts[s]} ${s.toLowerCase()}`);
  const label = all === 0 ? 'no tasks' : `${doneCount(counts)} of ${all} done: ${described.join(', ')}`;
  return h('div', {class: 'progress'},
      h('div', {class: 'bar', role: 'img', 'aria-label': label, title: label},
          STATUSES.filter((s) => counts && counts[s]).map((s) =>
              h('span', {class: `seg s-${s.toLowerCase()}`, style: `width:${(100 * counts[s]) / all}%`}))),
      h('span', {class: 'progress-text'}, all === 0 ? 'no tasks' : `${doneCount(counts)} / ${all}`));
}

/** Base64 as text when it is printable UTF-8, else as base64 (said so). */
export function bytesView(base64) {
  if (base64 === null || base64 === undefined || base64 === '') return h('span', {class: 'muted'}, '(empty)');
  try {
    const raw = atob(base64);
    const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
    const text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
      return h('div', {}, h('pre', {class: 'bytes'}, text),
          h('span', {class: 'muted small'}, `text, ${bytes.length} bytes`));
    }
    return h('div', {}, h('pre', {class: 'bytes'}, base64), h('span', {class: 'muted small'}, `base64 of ${bytes.length} bytes (not printable text)`));
  } catch (e) {
    return h('div', {}, h('pre', {class: 'bytes'}, base64), h('span', {class: 'muted small'}, 'base64 (not printable text)'));
  }
}

/** Text as base64 of its UTF-8 bytes. */
export function toBase64(text) {
  let raw = '';
  for (const b of new TextEncoder().encode(text)) raw += String.fromCharCode(b);
  return btoa(raw);
}

export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.dataset.kind = kind;
  el.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ''; }, 8000);
}

/** Calls f at most every `wait` ms, the last call always run. */
export function throttle(f, wait) {
  let timer = null;
  let again = false;
  const run = () => {
    timer = null;
    if (again) { again = false; f(); timer = setTimeout(run, wait); }
  };
  const throttled = () => {
    if (timer) { again = true; return; }
    f();
    timer = setTimeout(run, wait);
  };
  throttled.cancel = () => { clearTimeout(timer); timer = null; again = false; };
  return throttled;
}
