// The jobs list: newest first, filtered by status, name and creation time, paged, live.

import {api} from './api.js';
import {h, progress, replaceContent, statusBadge, STATUSES, throttle, timeCell} from './dom.js';
import {follow} from './live.js';
import {navigate} from './router.js';
import {Selection} from './steer.js';

const LIMITS = [25, 50, 100, 200];

function readFilters(params) {
  return {
    statuses: (params.get('statuses') || '').split(',').filter((s) => STATUSES.includes(s)),
    name: params.get('name') || '',
    created_after: params.get('created_after') || '',
    created_before: params.get('created_before') || '',
    limit: LIMITS.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : 50,
    offset: Math.max(0, Number(params.get('offset')) || 0),
  };
}

function url(filters) {
  const q = new URLSearchParams();
  if (filters.statuses.length) q.set('statuses', filters.statuses.join(','));
  for (const k of ['name', 'created_after', 'created_before']) if (filters[k]) q.set(k, filters[k]);
  if (filters.limit !== 50) q.set('limit', filters.limit);
  if (filters.offset) q.set('offset', filters.offset);
  const s = q.toString();
  return s ? `/?${s}` : '/';
}

// <input type="datetime-local"> holds local time without zone; the API takes unix seconds.
function toLocalInput(seconds) {
  if (!seconds) return '';
  const d = new Date(Number(seconds) * 1000);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function fromLocalInput(value) {
  return value ? String(Math.floor(new Date(value).getTime() / 1000)) : '';
}

export function jobsPage(main, params) {
  const filters = readFilters(params);
  document.title = 'Jobs · Igor';
  const selection = new Selection(() => drawBar());
  const bar = h('div', {class: 'bar-slot'});
  const table = h('div', {class: 'table-slot', 'aria-live': 'off'});
  const pager = h('nav', {class: 'pager', 'aria-label': 'Pages of jobs'});
  const error = h('p', {class: 'error', role: 'alert'});
  let rows = [];

  const form = h('form', {class: 'filters', 'aria-label': 'Filter jobs', onsubmit: (e) => {
    e.preventDefault();
    const data = new FormData(form);
    navigate(url({
      statuses: data.getAll('status'),
      name: String(data.get('name') || '').trim(),
      created_after: fromLocalInput(data.get('created_after')),
      created_before: fromLocalInput(data.get('created_before')),
      limit: Number(data.get('limit')),
      offset: 0,
    }));
  }},
  h('fieldset', {class: 'statuses'}, h('legend', {}, 'Status'),
      STATUSES.map((s) => h('label', {class: 'check'},
          h('input', {type: 'checkbox', name: 'status', value: s, checked: filters.statuses.includes(s)}),
          ` ${s.toLowerCase()}`))),
  h('label', {}, 'Name (exact)', h('input', {type: 'search', name: 'name', value: filters.name, autocomplete: 'off'})),
  h('label', {}, 'Created after', h('input', {type: 'datetime-local', name: 'created_after', value: toLocalInput(filters.created_after)})),
  h('label', {}, 'Created before', h('input', {type: 'datetime-local', name: 'created_before', value: toLocalInput(filters.created_before)})),
  h('label', {}, 'Per page', h('select', {name: 'limit'},
      LIMITS.map((n) => h('option', {value: n, selected: n === filters.limit}, n)))),
  h('div', {class: 'buttons'},
      h('button', {type: 'submit', class: 'primary'}, 'Apply filters'),
      h('a', {href: '/', class: 'button'}, 'Reset')));

  function drawBar() {
    replaceContent(bar, selection.bar(load));
  }

  function draw() {
    if (rows.length === 0) {
      replaceContent(table, h('p', {class: 'empty'}, filters.offset > 0 ? 'No more jobs.' : 'No jobs match.'));
    } else {
      replaceContent(table, h('table', {class: 'jobs'},
          h('caption', {class: 'visually-hidden'}, 'Jobs, newest first'),
          h('thead', {}, h('tr', {},
              h('th', {scope: 'col', class: 'pick-col'}, h('span', {class: 'visually-hidden'}, 'Select')),
              h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Status'),
              h('th', {scope: 'col', class: 'progress-col'}, 'Tasks'),
              h('th', {scope: 'col'}, 'Created'), h('th', {scope: 'col'}, 'Updated'))),
          h('tbody', {}, rows.map((job) => h('tr', {'data-id': job.id},
              h('td', {}, selection.checkbox('Job', job, `job ${job.name || job.id}`)),
              h('td', {}, h('a', {href: `/jobs/${job.id}`, 'data-key': `open:${job.id}`}, job.name || h('span', {class: 'muted'}, '(no name)')),
                  h('div', {class: 'muted mono small'}, job.id)),
              h('td', {}, statusBadge(job.status, job.paused_at)),
              h('td', {}, progress(job.counts)),
              h('td', {}, timeCell(job.created_at)),
              h('td', {}, timeCell(job.updated_at)))))));
    }
    const first = filters.offset + 1;
    replaceContent(pager,
        h('button', {type: 'button', 'data-key': 'prev', disabled: filters.offset === 0,
          onclick: () => navigate(url({...filters, offset: Math.max(0, filters.offset - filters.limit)}))}, '← Newer'),
        h('span', {}, rows.length ? `Jobs ${first}–${filters.offset + rows.length}` : ''),
        h('button', {type: 'button', 'data-key': 'next', disabled: rows.length < filters.limit,
          onclick: () => navigate(url({...filters, offset: filters.offset + filters.limit}))}, 'Older →'));
    drawBar();
  }

  async function load() {
    try {
      rows = await api.jobs({...filters, statuses: filters.statuses});
      error.textContent = '';
      draw();
    } catch (e) {
      error.textContent = `Could not load the jobs: ${e.message}`;
    }
  }

  replaceContent(main,
      h('div', {class: 'page-head'}, h('h1', {}, 'Jobs'), h('a', {href: '/submit', class: 'button primary'}, 'New job')),
      form, error, bar, table, pager);
  load();
  // every change refreshes (at most once a second), and once more when the read model, which
  // trails the journal by under a second, has settled
  const soon = throttle(load, 1000);
  // (and so once more after the first load: a change just before it may not be in the lists yet)
  let settle = setTimeout(load, 1500);
  const stop = follow(null, () => {
    soon();
    clearTimeout(settle);
    settle = setTimeout(load, 1500);
  });
  return () => { soon.cancel(); clearTimeout(settle); stop(); };
}
