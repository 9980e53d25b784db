// The schedules page: every schedule with its next and latest fires and the jobs they made
// (GET /api/v1/schedules; docs/semantics.md, "Schedules").

import {api, ApiError} from './api.js';
import {h, replaceContent, timeCell} from './dom.js';

function jobLink(id) {
  return id ? h('a', {href: `/jobs/${id}`, class: 'mono'}, id.slice(0, 8)) : '—';
}

function row(s) {
  const fires = s.recent_fires.slice(0, 5);
  return h('tr', {},
    h('td', {}, s.name || h('span', {class: 'muted'}, s.id.slice(0, 8))),
    h('td', {class: 'mono'}, s.cron),
    h('td', {}, s.time_zone),
    h('td', {}, s.paused ? 'paused' : 'active'),
    s.next_fire_at ? timeCell(s.next_fire_at) : h('td', {}, '—'),
    s.last_fire_at ? timeCell(s.last_fire_at) : h('td', {}, '—'),
    h('td', {}, String(s.fires)),
    h('td', {}, fires.length ? h('ul', {class: 'plain'}, ...fires.map((f) =>
      h('li', {}, jobLink(f.job_id), f.manual ? ' (trigger)' : '', f.outcome === 'created' ? '' : ` ${f.outcome}`))) : '—'));
}

export function schedulesPage(main) {
  document.title = 'Schedules · Igor';
  replaceContent(main, h('h1', {}, 'Schedules'), h('p', {class: 'muted'}, 'Loading…'));
  let gone = false;
  api.schedules().then((answer) => {
    if (gone) return;
    const list = answer.schedules;
    replaceContent(main, h('h1', {}, 'Schedules'),
      list.length === 0
        ? h('p', {}, 'No schedules. Create one with POST /api/v1/schedules or igor schedules create.')
        : h('table', {class: 'list'},
          h('caption', {class: 'visually-hidden'}, 'Schedules'),
          h('thead', {}, h('tr', {}, ...['name', 'cron', 'time zone', 'state', 'next fire', 'last fire', 'fires',
            'latest jobs'].map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, ...list.map(row))));
  }).catch((e) => {
    if (gone) return;
    replaceContent(main, h('h1', {}, 'Schedules'),
      h('p', {class: 'error', role: 'alert'}, e instanceof ApiError ? e.message : String(e)));
  });
  return () => {
    gone = true;
  };
}
