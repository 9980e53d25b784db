// The workers: every worker process in the registry (GET /api/v1/workers), live, gone or stopped,
// with its types, concurrency and attempts in flight, and flow control's limits (GET /api/v1/limits),
// which a token of role admin sets and removes here (PUT and DELETE /api/v1/limits/{kind}/{name});
// read again every two seconds.

import {api} from './api.js';
import {h, replaceContent, time, timeCell} from './dom.js';

const EVERY_MS = 2000;
/** A worker's status as a badge of the task colours: live runs, gone errored, stopped done. */
const BADGE = {live: 's-running', gone: 's-errored', stopped: 's-completed'};

function ago(ms) {
  if (ms < 1000) return 'just now';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s ago`;
  return `${Math.round(s / 60)} min ago`;
}

function typesOf(w) {
  const entries = Object.entries(w.types || {});
  if (!entries.length) return h('span', {class: 'muted'}, '(none)');
  return h('ul', {class: 'plain'}, entries.map(([type, n]) => h('li', {}, h('span', {class: 'mono'}, type), h('span', {class: 'muted'}, ` × ${n}`))));
}

export function workersPage(main) {
  document.title = 'Workers · Igor';
  const summary = h('p', {class: 'summary', role: 'status'});
  const table = h('div', {class: 'table-slot', 'aria-live': 'off'});
  const others = h('div', {class: 'unannounced-slot'});
  const limits = h('div', {class: 'limits-slot'});
  const error = h('p', {class: 'error', role: 'alert'});
  const changed = h('p', {class: 'limit-answer', role: 'status'});

  /** Runs a change of a limit, says what came of it, and reads the limits again. */
  async function change(what, run) {
    try {
      await run();
      changed.classList.remove('error');
      changed.textContent = what;
    } catch (e) {
      changed.classList.add('error');
      changed.textContent = e.status === 403 ? `Not changed: changing limits needs a token of role admin (${e.message}).` : `Not changed: ${e.message}`;
    }
    try { drawLimits(await api.limits()); } catch (e) { /* the next round shows it */ }
  }

  const kind = h('select', {id: 'limit-kind'}, ['type', 'key', 'fairness'].map((k) => h('option', {value: k}, k)));
  const name = h('input', {id: 'limit-name', type: 'text', autocomplete: 'off', required: true, maxlength: 255});
  const number = (id, min, attrs = {}) => h('input', Object.assign({id, type: 'number', min, inputmode: 'decimal'}, attrs));
  const concurrency = number('limit-concurrency', 0);
  const rate = number('limit-rate', 0);
  const per = number('limit-per', 0.001, {step: 'any', placeholder: '1'});
  const weight = number('limit-weight', 0);
  const field = (input, label) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input);
  const optional = (input) => (input.value === '' ? undefined : Number(input.value));

  function setLimit(event) {
    event.preventDefault();
    const k = kind.value;
    const n = name.value.trim();
    const body = {concurrency: optional(concurrency), rate: optional(rate), per_seconds: optional(per), weight: optional(weight)};
    change(`Limit ${k}:${n} set.`, () => api.setLimit(k, n, body));
  }

  const form = h('form', {class: 'limit-form', onsubmit: setLimit, 'aria-labelledby': 'limit-form-title'},
      h('h3', {id: 'limit-form-title'}, 'Set a limit'),
      h('p', {class: 'muted small'}, 'Needs a token of role admin. Kept in PostgreSQL: it holds over igor.flow.limits of the same kind and name until changed here, by the API or with igor limits. Empty fields are none (per: 1 s).'),
      h('div', {class: 'fields'},
          field(kind, 'Kind'), field(name, 'Name'), field(concurrency, 'Concurrency'),
          field(rate, 'Rate'), field(per, 'Per (seconds)'), field(weight, 'Weight (fairness)')),
      h('button', {type: 'submit', class: 'primary'}, 'Set limit'),
      changed);

  function draw(answer) {
    const workers = answer.workers || [];
    const types = Object.entries(answer.live_by_type || {});
    replaceContent(summary,
        `${answer.live} live of ${answer.total} known. `,
        types.length ? `Types taken now: ${types.map(([t, n]) => `${t} (${n})`).join(', ')}.` : 'No type is taken by a live worker now.');
    replaceContent(table, workers.length === 0 ? h('p', {class: 'empty'}, 'No worker has announced itself.') :
      h('table', {class: 'workers'},
          h('caption', {class: 'visually-hidden'}, 'Workers, the most recently seen first'),
          h('thead', {}, h('tr', {}, ['Worker', 'Status', 'Types', 'In flight', 'Host', 'SDK', 'Started', 'Last seen']
              .map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, workers.map((w) => h('tr', {'data-id': w.id},
              h('td', {}, w.name || h('span', {class: 'muted'}, '(no name)'), h('div', {class: 'muted mono small'}, w.id)),
              h('td', {}, h('span', {class: `status ${BADGE[w.status] || ''}`}, w.status.toUpperCase())),
              h('td', {}, typesOf(w)),
              h('td', {class: 'num'}, `${w.in_flight}`, h('span', {class: 'muted'}, ` / ${w.concurrency}`)),
              h('td', {}, w.host, h('div', {class: 'muted small'}, `pid ${w.pid}`)),
              h('td', {}, w.sdk, h('div', {class: 'muted small'}, `${w.sdk_version}, protocol ${w.protocol}`)),
              h('td', {}, timeCell(w.started_at)),
              h('td', {title: time(w.last_seen_at)}, ago(w.last_seen_ago_ms)))))));
    const unannounced = answer.unannounced || [];
    replaceContent(others, unannounced.length === 0 ? null : [
      h('h2', {}, 'Taking work without announcing'),
      h('p', {class: 'muted'}, 'Workers of protocol version 1: they take work, but their types are not known here.'),
      h('ul', {}, unannounced.map((u) => h('li', {class: 'mono'}, u.id)))]);
  }

  function drawLimits(answer) {
    const all = answer.limits || [];
    const num = (n) => (n ? `${n}` : h('span', {class: 'muted'}, '–'));
    const rate = (l) => (l.rate ? `${l.rate} per ${l.per_seconds} s` : h('span', {class: 'muted'}, '–'));
    const known = (n) => (n === undefined || n === null ? h('span', {class: 'muted'}, '–') : `${n}`);
    replaceContent(limits,
        h('h2', {}, 'Flow-control limits'),
        all.length === 0 ? h('p', {class: 'empty'}, 'No limit is set (below, or igor limits set type NAME --concurrency N).') :
          h('table', {class: 'limits'},
              h('caption', {class: 'visually-hidden'}, 'Flow-control limits by kind and name'),
              h('thead', {}, h('tr', {}, ['Limit', 'Concurrency', 'Rate', 'Weight', 'In use', 'Waiting', 'Change']
                  .map((c) => h('th', {scope: 'col'}, c)))),
              h('tbody', {}, all.map((l) => h('tr', {'data-limit': `${l.kind}:${l.name}`},
                  h('td', {class: 'mono'}, `${l.kind}:${l.name}`),
                  h('td', {class: 'num'}, num(l.concurrency)),
                  h('td', {class: 'num'}, rate(l)),
                  h('td', {class: 'num'}, num(l.weight)),
                  h('td', {class: 'num'}, known(l.in_use)),
                  h('td', {class: 'num'}, known(l.waiting)),
                  h('td', {}, h('button', {type: 'button', class: 'small', 'data-key': `remove ${l.kind}:${l.name}`,
                    'aria-label': `Remove limit ${l.kind}:${l.name}`,
                    onclick: () => change(`Limit ${l.kind}:${l.name} removed.`, () => api.removeLimit(l.kind, l.name))}, 'Remove')))))));
  }

  async function load() {
    try {
      draw(await api.workers());
      drawLimits(await api.limits());
      error.textContent = '';
    } catch (e) {
      error.textContent = `Could not load the workers: ${e.message}`;
    }
  }

  replaceContent(main,
      h('div', {class: 'page-head'}, h('h1', {}, 'Workers')),
      h('p', {class: 'muted'}, 'Worker processes announce themselves and renew a heartbeat every third of their lease; one whose heartbeat is older than its lease is shown gone, and forgotten ten leases later.'),
      error, summary, table, others, limits, form);
  load();
  const timer = setInterval(load, EVERY_MS);
  return () => clearInterval(timer);
}
