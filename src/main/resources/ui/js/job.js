// One job: its layers grouped by priority in run order, its tasks (paged), a task's details, the
// audit trail, steering, all kept current from the live stream.

import {api} from './api.js';
import {bytesView, h, isDone, progress, replaceContent, statusBadge, STATUSES, throttle, time, timeCell, total} from './dom.js';
import {follow} from './live.js';
import {addTasksForm, takesTasks} from './add-tasks.js';
import {actionButtons, ref, Selection, steer} from './steer.js';

const PAGE = 100;
/** The read model trails the journal by under a second: look again after an event's dust settles. */
const SETTLE_MS = 1200;

function groupState(layers) {
  if (layers.every((l) => isDone(l.status))) return {key: 'done', label: 'done'};
  const running = layers.filter((l) => l.status === 'RUNNING');
  if (running.length && running.every((l) => l.paused_at)) return {key: 'paused', label: 'running now, paused: nothing new is queued'};
  if (running.length) return {key: 'running', label: 'running now'};
  if (layers.some((l) => l.status === 'ERRORED')) return {key: 'errored', label: 'stopped: a layer ERRORED'};
  return {key: 'waiting', label: 'waiting'};
}

function taskLabel(t) {
  return t.name ? `${t.name} (${t.type})` : t.type;
}

export function jobPage(main, jobId, firstTaskId, params) {
  document.title = 'Job · Igor';
  const state = {
    summary: null,
    meta: null,
    layers: [],
    tasks: [],
    audit: [],
    scope: params.get('layer') || '',
    taskStatus: STATUSES.includes(params.get('task_status')) ? params.get('task_status') : '',
    offset: Math.max(0, Number(params.get('offset')) || 0),
    taskId: firstTaskId,
    detail: null,
    /** The task's latest attempt with output: {attempt, progress, dropped, lines}, or null. */
    output: null,
    notFound: false,
    adding: null,
  };
  const selection = new Selection(() => drawBar());
  const slots = {
    head: h('section', {class: 'job-head', 'aria-label': 'Job'}),
    error: h('p', {class: 'error', role: 'alert'}),
    bar: h('div', {class: 'bar-slot'}),
    adding: h('div', {class: 'adding-slot'}),
    layers: h('section', {class: 'layers', 'aria-labelledby': 'layers-h'}),
    tasks: h('section', {class: 'tasks', 'aria-labelledby': 'tasks-h'}),
    detail: h('aside', {class: 'detail', 'aria-labelledby': 'detail-h', id: 'detail', tabindex: '-1'}),
    output: h('section', {class: 'task-output', 'aria-labelledby': 'output-h', 'aria-live': 'polite'}),
    audit: h('section', {class: 'audit', 'aria-labelledby': 'audit-h'}),
  };

  function pageUrl(taskId = state.taskId) {
    const q = new URLSearchParams();
    if (state.scope) q.set('layer', state.scope);
    if (state.taskStatus) q.set('task_status', state.taskStatus);
    if (state.offset) q.set('offset', state.offset);
    const s = q.toString();
    return `/jobs/${jobId}${taskId ? `/tasks/${taskId}` : ''}${s ? `?${s}` : ''}`;
  }

  const layerName = (id) => state.layers.find((l) => l.id === id)?.name || id.slice(0, 8);

  // --- drawing ---------------------------------------------------------------------------------

  function drawHead() {
    if (state.notFound) {
      replaceContent(slots.head, h('h1', {}, 'Job not found'), h('p', {}, `No job has the id ${jobId}.`), h('a', {href: '/'}, 'All jobs'));
      return;
    }
    const s = state.summary;
    if (!s) {
      replaceContent(slots.head, h('h1', {}, 'Loading job…'));
      return;
    }
    const name = state.meta?.name || '';
    document.title = `${name || jobId} · Igor`;
    const job = {id: jobId, etag: s.etag};
    // A job created to start later: PENDING until its start_at (the read model keeps it).
    const startAt = state.meta?.start_at || 0;
    const waiting = s.status === 'PENDING' && startAt > 0;
    const startNow = {name: 'start', label: 'Start now'};
    replaceContent(slots.head,
        h('p', {class: 'crumbs'}, h('a', {href: '/'}, 'Jobs'), ' / '),
        h('div', {class: 'page-head'},
            h('h1', {}, name || h('span', {class: 'muted'}, '(no name)')),
            h('span', {class: 'job-status'}, statusBadge(s.status, s.paused_at)),
            h('a', {href: `/jobs/${jobId}/timeline`, class: 'button small', 'data-key': 'timeline'}, 'Timeline')),
        h('dl', {class: 'facts'},
            h('dt', {}, 'Id'), h('dd', {class: 'mono'}, jobId),
            h('dt', {}, 'Created'), h('dd', {}, state.meta ? timeCell(state.meta.created_at) : '…'),
            h('dt', {}, 'Updated'), h('dd', {}, timeCell(s.updated_at)),
            startAt ? h('dt', {}, waiting ? 'Starts at' : 'Was due at') : null,
            startAt ? h('dd', {'data-key': 'start-at'}, timeCell(startAt),
                waiting ? h('span', {class: 'muted small'}, ' waiting: nothing of it runs until then') : null) : null,
            h('dt', {}, 'Tasks'), h('dd', {class: 'wide'}, progress(s.counts))),
        waiting ? h('p', {class: 'actions', role: 'group', 'aria-label': 'Start'},
            h('button', {type: 'button', class: 'small', 'data-key': 'job:start', 'data-action': 'start',
              'aria-label': 'Start the job now', onclick: () => steer(startNow, [ref('Job', job)], refresh)}, 'Start now')) : null,
        actionButtons(() => [ref('Job', job)], {label: 'job', after: refresh, keyPrefix: 'job'}));
  }

  function drawBar() {
    replaceContent(slots.bar, selection.bar(refresh));
  }

  function drawLayers() {
    const byPriority = new Map();
    for (const l of [...state.layers].sort((a, b) => a.priority - b.priority || a.created_at - b.created_at)) {
      if (!byPriority.has(l.priority)) byPriority.set(l.priority, []);
      byPriority.get(l.priority).push(l);
    }
    const groups = [...byPriority.entries()];
    replaceContent(slots.layers,
        h('h2', {id: 'layers-h'}, 'Layers ', h('span', {class: 'muted small'}, 'in run order: a group of equal priority starts when the groups before it are done')),
        groups.length === 0 ? h('p', {class: 'empty'}, 'Loading layers…') : h('ol', {class: 'groups'},
            groups.map(([priority, layers], i) => {
              const g = groupState(layers);
              return h('li', {class: `group g-${g.key}`},
                  h('h3', {}, `Group ${i + 1} · priority ${priority} · `, h('span', {class: `group-state g-${g.key}`}, g.label)),
                  h('ul', {class: 'layer-list'}, layers.map((l) => h('li', {class: 'layer', 'data-id': l.id, 'data-status': l.status},
                      h('div', {class: 'layer-main'},
                          selection.checkbox('Layer', l, `layer ${l.name || l.id}`),
                          h('strong', {class: 'layer-name'}, l.name || h('span', {class: 'muted'}, '(no name)')),
                          statusBadge(l.status, l.paused_at),
                          progress(l.counts),
                          h('button', {type: 'button', class: 'small', 'data-key': `show:${l.id}`,
                            'aria-pressed': state.scope === l.id ? 'true' : 'false',
                            onclick: () => setScope(state.scope === l.id ? '' : l.id)},
                          state.scope === l.id ? 'Showing its tasks' : 'Show tasks'),
                          takesTasks(l) ? h('button', {type: 'button', class: 'small', 'data-key': `add:${l.id}`,
                            'aria-label': `Add tasks to layer ${l.name || l.id}`,
                            'aria-expanded': state.adding === l.id ? 'true' : 'false',
                            onclick: () => openAdding(l)}, 'Add tasks') : null),
                      actionButtons(() => [ref('Layer', l)], {label: `layer ${l.name || l.id}`, after: refresh, keyPrefix: `layer:${l.id}`})))));
            })));
  }

  function scopeTotal() {
    const counts = state.scope ? state.layers.find((l) => l.id === state.scope)?.counts : state.summary?.counts;
    if (!counts) return null;
    return state.taskStatus ? counts[state.taskStatus] || 0 : total(counts);
  }

  function drawTasks() {
    const all = scopeTotal();
    const pageRefs = () => state.tasks.map((t) => ref('Task', t));
    const allPicked = state.tasks.length > 0 && state.tasks.every((t) => selection.has(t.id));
    const statusSelect = h('select', {id: 'task-status', 'data-key': 'task-status', onchange: (e) => {
      state.taskStatus = e.target.value;
      state.offset = 0;
      history.replaceState(null, '', pageUrl());
      loadTasks();
    }}, h('option', {value: ''}, 'any'), STATUSES.map((s) => h('option', {value: s, selected: s === state.taskStatus}, s.toLowerCase())));
    replaceContent(slots.tasks,
        h('div', {class: 'section-head'},
            h('h2', {id: 'tasks-h'}, state.scope ? `Tasks of layer ${layerName(state.scope)}` : 'Tasks of the job'),
            state.scope ? h('button', {type: 'button', class: 'small link', 'data-key': 'all-tasks', onclick: () => setScope('')}, 'Show all tasks of the job') : null,
            h('label', {for: 'task-status'}, 'Status '), statusSelect),
        state.tasks.length === 0 ? h('p', {class: 'empty'}, all === 0 ? 'No tasks.' : 'Loading tasks…') :
        h('table', {class: 'task-table'},
            h('thead', {}, h('tr', {},
                h('th', {scope: 'col', class: 'pick-col'}, h('input', {type: 'checkbox', 'data-key': 'pick-page', 'aria-label': 'Select every task of this page', checked: allPicked,
                  onchange: (e) => { for (const t of state.tasks) selection.toggle('Task', t, e.target.checked); drawTasks(); }})),
                ['Task', 'Layer', 'Status', 'Attempts', 'Message', 'Created', 'Updated'].map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', {}, state.tasks.map((t) => h('tr', {'data-id': t.id, class: t.id === state.taskId ? 'current' : ''},
                h('td', {}, selection.checkbox('Task', t, `task ${taskLabel(t)}`)),
                h('td', {}, h('a', {href: pageUrl(t.id), 'data-key': `open:${t.id}`, 'aria-current': t.id === state.taskId ? 'true' : null}, taskLabel(t))),
                h('td', {}, layerName(t.layer_id)),
                h('td', {}, statusBadge(t.status, t.paused_at)),
                h('td', {class: 'num'}, `${t.attempts}`, h('span', {class: 'muted'}, ` / ${t.retries + 1}`)),
                h('td', {class: 'message', title: t.waiting_reason || t.message}, t.message,
                    t.waiting_reason ? h('span', {class: 'waiting'}, `waiting: ${t.waiting_reason}`) : null),
                h('td', {}, timeCell(t.created_at)),
                h('td', {}, timeCell(t.updated_at)))))),
        h('nav', {class: 'pager', 'aria-label': 'Pages of tasks'},
            h('button', {type: 'button', 'data-key': 'task-prev', disabled: state.offset === 0,
              onclick: () => setOffset(Math.max(0, state.offset - PAGE))}, '← Newer'),
            h('span', {}, state.tasks.length
              ? `Tasks ${state.offset + 1}–${state.offset + state.tasks.length}${all !== null ? ` of ${all}` : ''}` : ''),
            h('button', {type: 'button', 'data-key': 'task-next', disabled: state.tasks.length < PAGE,
              onclick: () => setOffset(state.offset + PAGE)}, 'Older →'),
            state.tasks.length ? h('button', {type: 'button', class: 'small', 'data-key': 'pick-page-button',
              onclick: () => { for (const r of pageRefs()) selection.items.set(r.id, r); selection.onChange(); drawTasks(); }}, 'Select this page') : null));
  }

  function drawDetail() {
    const t = state.detail;
    if (!state.taskId) {
      replaceContent(slots.detail, h('h2', {id: 'detail-h'}, 'Task details'), h('p', {class: 'muted'}, 'Choose a task to see its args, result and message.'));
      return;
    }
    if (!t) {
      replaceContent(slots.detail, h('h2', {id: 'detail-h'}, 'Task details'), h('p', {}, 'Loading…'));
      return;
    }
    replaceContent(slots.detail,
        h('div', {class: 'section-head'}, h('h2', {id: 'detail-h'}, `Task ${taskLabel(t)}`),
            h('a', {href: pageUrl(''), class: 'small', 'data-key': 'close-detail'}, 'Close')),
        statusBadge(t.status, t.paused_at),
        actionButtons(() => [ref('Task', t)], {label: 'this task', after: refresh, keyPrefix: 'detail'}),
        h('dl', {class: 'facts'},
            h('dt', {}, 'Id'), h('dd', {class: 'mono'}, t.id),
            h('dt', {}, 'Type'), h('dd', {}, t.type),
            h('dt', {}, 'Layer'), h('dd', {}, layerName(t.layer_id)),
            h('dt', {}, 'Attempts'), h('dd', {}, `${t.attempts} (retries allowed: ${t.retries})`),
            h('dt', {}, 'Timeout'), h('dd', {}, t.timeout ? `${t.timeout} s per attempt` : 'none'),
            h('dt', {}, 'Created'), h('dd', {}, time(t.created_at)),
            h('dt', {}, 'Updated'), h('dd', {}, time(t.updated_at)),
            h('dt', {}, 'Message'), h('dd', {class: 'task-message'}, t.message || h('span', {class: 'muted'}, '(none)')),
            t.waiting_reason ? [h('dt', {}, 'Waiting'), h('dd', {class: 'waiting'}, t.waiting_reason, ' ', h('a', {href: '/workers'}, 'See the workers'))] : null),
        h('h3', {}, 'Args'), bytesView(t.args),
        h('h3', {}, 'Result'), bytesView(t.result),
        slots.output);
    drawOutput();
  }

  /** The attempt's progress and log lines: from the endpoint, then live from the stream. */
  function drawOutput() {
    const o = state.output;
    if (!o) {
      replaceContent(slots.output, h('h3', {id: 'output-h'}, 'Progress and logs'),
          h('p', {class: 'muted'}, 'No log lines or progress (yet).'));
      return;
    }
    const pct = o.progress === undefined || o.progress === null ? null : Math.round(o.progress * 100);
    const bar = pct === null ? null : h('div', {class: 'progress'},
        h('div', {class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': `attempt ${o.attempt} progress`},
            h('span', {class: 'seg s-running', style: `width:${pct}%`})),
        h('span', {class: 'progress-text', 'data-key': 'attempt-progress'}, `${pct}%`));
    replaceContent(slots.output, h('h3', {id: 'output-h'}, `Progress and logs of attempt ${o.attempt}`),
        bar,
        o.dropped ? h('p', {class: 'muted small'}, `${o.dropped} older lines dropped (the newest are kept).`) : null,
        o.lines.length === 0 ? h('p', {class: 'muted'}, 'No log lines.') :
        h('ol', {class: 'log-lines'}, o.lines.map((l) => h('li', {class: `log-${l.level}`},
            h('span', {class: 'log-at mono small'}, l.at ? l.at.substring(11, 23) : ''), ' ',
            h('span', {class: 'log-level small'}, l.level), ' ',
            h('span', {class: 'log-line mono'}, l.line)))));
  }

  /** The lines the page shows of one attempt at most: the endpoint's page, then live ones. */
  const MAX_LINES = 1000;

  function liveOutput(change) {
    const d = change.data;
    if (d.task_id !== state.taskId) return;
    if (!state.output || d.attempt > state.output.attempt) {
      state.output = {attempt: d.attempt, progress: null, dropped: 0, lines: []};
    } else if (d.attempt < state.output.attempt) {
      return;
    }
    if (change.type === 'task_progress') {
      state.output.progress = d.progress;
    } else {
      state.output.lines.push({at: new Date(d.at_ms).toISOString(), level: d.level, line: d.line});
      if (state.output.lines.length > MAX_LINES) state.output.lines.shift();
    }
    drawOutput();
  }

  function drawAudit() {
    replaceContent(slots.audit, h('h2', {id: 'audit-h'}, 'Audit trail'),
        state.audit.length === 0 ? h('p', {class: 'empty'}, 'No one has steered this job.') :
        h('table', {},
            h('thead', {}, h('tr', {}, ['When', 'Action', 'On', 'Id', 'By'].map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', {}, state.audit.map((a) => h('tr', {},
                h('td', {}, timeCell(a.at)), h('td', {}, a.action), h('td', {}, a.kind),
                h('td', {class: 'mono small'}, a.kind === 'Layer' ? `${layerName(a.id)} (${a.id})` : a.id),
                h('td', {}, a.by || '—'))))));
  }

  // --- loading ---------------------------------------------------------------------------------

  const fail = (what) => (e) => { slots.error.textContent = `Could not load ${what}: ${e.message}`; };

  async function loadSummary() {
    try {
      state.summary = await api.jobStatus(jobId);
      if (!state.meta) state.meta = (await api.jobs({job_ids: jobId, limit: 1}))[0] || null;
      slots.error.textContent = '';
    } catch (e) {
      if (e.status === 404) state.notFound = true;
      else fail('the job')(e);
    }
    drawHead();
  }

  async function loadLayers() {
    try {
      state.layers = await api.layers({job_ids: jobId, limit: 10000});
      drawLayers();
    } catch (e) { fail('the layers')(e); }
  }

  async function loadTasks() {
    try {
      state.tasks = await api.tasks({
        ...(state.scope ? {layer_ids: state.scope} : {job_ids: jobId}),
        statuses: state.taskStatus, limit: PAGE, offset: state.offset,
      });
      drawTasks();
    } catch (e) { fail('the tasks')(e); }
  }

  async function loadDetail() {
    if (!state.taskId) { state.detail = null; state.output = null; drawDetail(); return; }
    try {
      const taskId = state.taskId;
      const [task, logs] = await Promise.all([api.task(taskId), api.taskLogs(taskId).catch(() => null)]);
      state.detail = task;
      const last = logs && logs.attempts.length ? logs.attempts[logs.attempts.length - 1] : null;
      // a live line of a newer attempt than the endpoint knew wins
      if (last && !(state.output && state.output.attempt > last.attempt && taskId === state.taskId)) {
        state.output = {attempt: last.attempt, progress: last.progress, dropped: last.dropped, lines: last.lines};
      }
    } catch (e) {
      if (e.status !== 404) fail('the task')(e);
    }
    drawDetail();
  }

  async function loadAudit() {
    try {
      state.audit = await api.audit(jobId);
      drawAudit();
    } catch (e) { if (e.status !== 404) fail('the audit trail')(e); }
  }

  /**
   * Whether the read model (layers, tasks) has caught up with the job's exact counts; until it has,
   * the page looks again every second, since no further event may come to make it.
   */
  function caughtUp() {
    if (!state.meta || !state.summary || state.layers.length === 0) return false;
    return STATUSES.every((s) => (state.summary.counts[s] || 0) ===
        state.layers.reduce((sum, l) => sum + ((l.counts && l.counts[s]) || 0), 0));
  }

  let behind = null;
  async function loadAll() {
    await loadSummary();
    if (state.notFound) return;
    await Promise.all([loadLayers(), loadTasks(), loadDetail(), loadAudit()]);
    drawBar();
    clearTimeout(behind);
    if (!caughtUp()) behind = setTimeout(loadAll, 1000);
  }

  /** The form adding tasks to a layer: drawn once when opened, so live redraws leave it be. */
  function openAdding(layer) {
    state.adding = layer.id;
    const close = () => { state.adding = null; replaceContent(slots.adding); drawLayers(); };
    replaceContent(slots.adding, addTasksForm(layer, {
      onDone: () => { close(); setScope(layer.id); refresh(); },
      onCancel: close,
    }));
    drawLayers();
    slots.adding.scrollIntoView({block: 'nearest'});
  }

  function setScope(layerId) {
    state.scope = layerId;
    state.offset = 0;
    history.replaceState(null, '', pageUrl());
    drawLayers();
    loadTasks();
  }

  function setOffset(offset) {
    state.offset = offset;
    history.replaceState(null, '', pageUrl());
    loadTasks();
  }

  // --- live ------------------------------------------------------------------------------------

  const soon = throttle(loadAll, 400);
  let settle = null;
  let auditDue = false;
  function refresh() {
    soon();
    clearTimeout(settle);
    settle = setTimeout(loadAll, SETTLE_MS);
  }
  const stop = follow([jobId], (change) => {
    if (change.type === 'task_log' || change.type === 'task_progress') {
      liveOutput(change);
      return;
    }
    if (change.type === 'action_taken') auditDue = true;
    refresh();
  }, {output: true});
  // the audit trail changes only with an action; the others with anything
  const auditAfter = setInterval(() => { if (auditDue) { auditDue = false; loadAudit(); } }, 1000);

  replaceContent(main, h('div', {class: 'job-page'},
      slots.head, slots.error, slots.layers, slots.adding, slots.bar,
      h('div', {class: 'tasks-and-detail'}, slots.tasks, slots.detail), slots.audit));
  drawHead(); drawLayers(); drawTasks(); drawDetail(); drawAudit(); drawBar();
  loadAll();

  return {
    /** Another task of the same job (or none): only the details change. */
    update(otherJobId, taskId, otherParams) {
      if (otherJobId !== jobId) return false;
      if ((otherParams.get('layer') || '') !== state.scope) return false;
      state.taskId = taskId;
      state.detail = null;
      state.output = null;
      drawTasks();
      drawDetail();
      loadDetail().then(() => slots.detail.focus({preventScroll: false}));
      return true;
    },
    cleanup() {
      soon.cancel();
      clearTimeout(settle);
      clearTimeout(behind);
      clearInterval(auditAfter);
      stop();
    },
  };
}

