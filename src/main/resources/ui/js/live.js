// The live stream of changes (GET /api/v1/events) and the header's indicator of its state.

import {token} from './api.js';

const EVENTS = [
  'job_created', 'tasks_added', 'layers_started', 'tasks_queued', 'task_started', 'task_completed',
  'task_failed', 'task_timed_out', 'task_skipped', 'tasks_skipped', 'task_killed', 'tasks_killed',
  'task_withdrawn', 'tasks_withdrawn', 'task_reset', 'tasks_reset',
  'layer_finished', 'layer_skipped', 'layer_reopened', 'job_status_changed', 'job_started',
  'action_taken',
  'paused', 'unpaused',
];
/** Live only (no event id): the log lines and progress of running attempts, when asked for. */
const OUTPUT_EVENTS = ['task_log', 'task_progress'];
const RECONNECT_MS = 3000;

const LABELS = {
  off: 'not following changes',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'disconnected: reconnecting…',
  closed: 'disconnected: retrying in a few seconds…',
};

function show(state) {
  const el = document.getElementById('live');
  el.dataset.state = state;
  el.textContent = LABELS[state];
}

/**
 * Follows the changes of some jobs (or of all, when jobIds is null) until close(). onChange gets
 * each event as {type, data}, and {type: 'open'} whenever the stream opens again, when the page
 * should reload what it shows, since changes may have been missed while it was down.
 * The browser's EventSource reconnects by itself with Last-Event-ID; when it gives up (the node
 * answered with an error, such as 503 when it serves too many streams), this tries again later
 * from the last event seen. With {output: true} it also gets the log lines and progress of running
 * attempts (task_log, task_progress); without, the node leaves them out (output=false).
 */
export function follow(jobIds, onChange, {output = false} = {}) {
  let source = null;
  let lastId = null;
  let retry = null;
  let closed = false;
  let opened = false;

  const open = () => {
    const params = new URLSearchParams();
    for (const id of jobIds || []) params.append('job_ids', id);
    if (lastId !== null) params.set('since', lastId);
    if (!output) params.set('output', 'false');
    const t = token();
    if (t) params.set('access_token', t);
    const qs = params.toString();
    show('connecting');
    source = new EventSource(`/api/v1/events${qs ? `?${qs}` : ''}`);
    source.onopen = () => {
      show('live');
      if (opened) onChange({type: 'open'});
      opened = true;
    };
    source.onerror = () => {
      if (closed) return;
      if (source.readyState === EventSource.CLOSED) {
        show('closed');
        source.close();
        retry = setTimeout(open, RECONNECT_MS);
      } else {
        show('reconnecting');
      }
    };
    for (const name of output ? [...EVENTS, ...OUTPUT_EVENTS] : EVENTS) {
      source.addEventListener(name, (e) => {
        if (e.lastEventId) lastId = e.lastEventId;
        let data = {};
        try { data = JSON.parse(e.data); } catch (ignored) { data = {}; }
        onChange({type: name, data});
      });
    }
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    if (source) source.close();
    show('off');
  };
}
