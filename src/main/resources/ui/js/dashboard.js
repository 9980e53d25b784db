// The dashboard (/dashboard): the cluster's last hour from GET /api/v1/dashboard, drawn as plain
// SVG. Redrawn every few seconds, and soon after changes arrive on the live stream.

import {api} from './api.js';
import {h, replaceContent, throttle, time} from './dom.js';
import {follow} from './live.js';

const REFRESH_MS = 5000;
const SVG = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 200;
const PAD = {left: 48, right: 12, top: 12, bottom: 26};

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** 1, 2 or 5 times a power of ten, at least max / 4: the step of a chart's horizontal lines. */
function niceStep(max) {
  const raw = Math.max(max, 1e-9) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw);
}

const rate = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, '') || '0');

/** "3 s", "4 min 5 s", "2 h 10 min". */
export function age(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/**
 * A chart of series over the buckets: lines, or bars for one series. series: [{key, label, cls,
 * values}] in units per second or per bucket as the caller says; the figure's text says the same in
 * words for screen readers.
 */
function chart({id, title, unit, buckets, series, bars = false, summary}) {
  const n = buckets.length;
  const max = Math.max(0, ...series.flatMap((x) => x.values));
  // counts (bars) step by whole numbers; an empty chart still gets a scale from 0 to 1
  const step = max === 0 ? 0.5 : bars ? Math.max(1, niceStep(max)) : niceStep(max);
  const top = Math.max(max === 0 ? 1 : step, Math.ceil(max / step) * step);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (n <= 1 ? 0 : (i * iw) / (n - 1));
  const y = (v) => PAD.top + ih - (v / top) * ih;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, 'data-points': series.reduce((a, x) => a + x.values.filter((v) => v > 0).length, 0)},
      s('title', {id: `${id}-title`}, title),
      s('desc', {id: `${id}-desc`}, summary));
  for (let v = 0; v <= top + 1e-9; v += step) {
    svg.append(s('line', {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid'}));
    svg.append(s('text', {x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end'}, rate(v)));
  }
  // a time label every 10 minutes (every 60 buckets of 10 s), and "now" at the end
  for (let i = 0; i < n; i++) {
    const at = buckets[i].at;
    if (at % 600 !== 0 && i !== n - 1) continue;
    if (i !== n - 1 && n - 1 - i < 30) continue;
    svg.append(s('line', {x1: x(i), x2: x(i), y1: PAD.top + ih, y2: PAD.top + ih + 4, class: 'axis'}));
    svg.append(s('text', {x: x(i), y: H - 6, class: 'tick', 'text-anchor': i === n - 1 ? 'end' : 'middle'},
        i === n - 1 ? 'now' : time(at).slice(11, 16)));
  }
  svg.append(s('line', {x1: PAD.left, x2: W - PAD.right, y1: PAD.top + ih, y2: PAD.top + ih, class: 'axis'}));
  for (const line of series) {
    if (bars) {
      const bw = Math.max(1, iw / Math.max(n, 1) - 0.5);
      const g = s('g', {class: `series ${line.cls}`});
      line.values.forEach((v, i) => {
        if (v > 0) g.append(s('rect', {x: x(i) - bw / 2, y: y(v), width: bw, height: PAD.top + ih - y(v)}));
      });
      svg.append(g);
    } else {
      const d = line.values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
      svg.append(s('path', {d, class: `series ${line.cls}`}));
    }
  }
  return h('figure', {class: 'chart-box', id},
      h('figcaption', {}, h('h2', {}, title), h('span', {class: 'muted small'}, unit),
          h('span', {class: 'chart-legend'}, series.map((x) => h('span', {class: `key ${x.cls}`}, x.label)))),
      svg);
}

function tile(label, value, note) {
  return h('div', {class: 'tile'}, h('div', {class: 'tile-value'}, value), h('div', {class: 'tile-label'}, label),
      note ? h('div', {class: 'muted small'}, note) : null);
}

function lastMinute(buckets, key, bucketSeconds) {
  // the last complete minute: the current bucket is still filling
  const done = buckets.slice(-7, -1);
  return done.reduce((a, b) => a + b[key], 0) / Math.max(1, done.length * bucketSeconds);
}

function view(d) {
  const per = d.bucket_seconds;
  const buckets = d.buckets;
  // the current bucket has lasted only since its start: its rate is over that time
  const seconds = (b) => Math.min(per, Math.max(1, d.now - b.at + 1));
  const started = buckets.map((b) => b.started / seconds(b));
  const ended = buckets.map((b) => b.ended / seconds(b));
  const failed = buckets.map((b) => b.failed);
  const peak = (vs) => rate(Math.max(0, ...vs));
  const maxQueued = Math.max(1, ...d.types.map((t) => t.queued));
  const maxAge = Math.max(1, ...d.types.map((t) => t.oldest_age_seconds));
  return [
    h('div', {class: 'tiles'},
        tile('jobs running', d.running_jobs),
        tile('tasks running', d.running_tasks),
        tile('tasks waiting', d.queued_tasks),
        tile('started per second', rate(lastMinute(buckets, 'started', per)), 'last minute'),
        tile('finished per second', rate(lastMinute(buckets, 'ended', per)), 'last minute'),
        tile('failed attempts', d.totals.failed, 'last hour')),
    h('div', {class: 'charts'},
        chart({id: 'throughput', title: 'Throughput', unit: `attempts per second, in ${per} s steps`, buckets,
          series: [
            {label: 'finished', cls: 'c-ended', values: ended},
            {label: 'started', cls: 'c-started', values: started}],
          summary: `Over the last hour: ${d.totals.started} attempts started (peak ${peak(started)} per second) and ${d.totals.ended} finished (peak ${peak(ended)} per second).`}),
        chart({id: 'failures', title: 'Failures', unit: `failed attempts per ${per} s`, buckets, bars: true,
          series: [{label: 'failed', cls: 'c-failed', values: failed}],
          summary: `Over the last hour: ${d.totals.failed} attempts failed or timed out.`})),
    h('section', {class: 'queues', 'aria-labelledby': 'queues-head'},
        h('h2', {id: 'queues-head'}, 'Queues by task type'),
        d.types.length === 0 ? h('p', {class: 'empty'}, 'No task was waiting or ran in the last hour.') :
          h('table', {},
              h('thead', {}, h('tr', {},
                  h('th', {scope: 'col'}, 'Type'),
                  h('th', {scope: 'col'}, 'Waiting'),
                  h('th', {scope: 'col'}, 'Oldest waiting'),
                  h('th', {scope: 'col', class: 'num'}, 'Started'),
                  h('th', {scope: 'col', class: 'num'}, 'Finished'),
                  h('th', {scope: 'col', class: 'num'}, 'Failed'))),
              h('tbody', {}, d.types.map((t) => h('tr', {'data-type': t.type},
                  h('th', {scope: 'row', class: 'mono'}, t.type),
                  h('td', {}, meter(t.queued, maxQueued, String(t.queued), 'c-queued')),
                  h('td', {}, t.queued === 0 ? h('span', {class: 'muted'}, '—') :
                    meter(t.oldest_age_seconds, maxAge, age(t.oldest_age_seconds), 'c-age',
                        `queued at ${time(t.oldest_queued_at)}`)),
                  h('td', {class: 'num'}, t.started),
                  h('td', {class: 'num'}, t.ended),
                  h('td', {class: 'num'}, t.failed)))))),
    h('p', {class: 'muted small'},
        `Cluster-wide, from the read model (it trails the journal by the projection's lag); as of ${time(d.now)}. ` +
        'Finished counts the attempts that completed, failed, timed out or were skipped by their handler.'),
  ];
}

/** A horizontal bar of value against max, with its text beside it. */
function meter(value, max, text, cls, title) {
  return h('span', {class: 'meter', title},
      h('span', {class: `meter-bar ${cls}`, 'aria-hidden': 'true'},
          h('span', {style: `width:${Math.max(value > 0 ? 2 : 0, (100 * value) / max)}%`})),
      h('span', {class: 'meter-text'}, text));
}

export function dashboardPage(main) {
  const body = h('div', {id: 'dashboard-body', 'aria-live': 'off'}, h('p', {class: 'muted'}, 'Loading…'));
  replaceContent(main,
      h('div', {class: 'page-head'}, h('h1', {}, 'Dashboard'),
          h('span', {class: 'muted'}, 'the last hour, every node'),
          h('span', {class: 'muted small', id: 'dashboard-updated', role: 'status'})),
      body);
  let stopped = false;
  let timer = null;
  const load = async () => {
    clearTimeout(timer);
    try {
      const d = await api.dashboard();
      if (stopped) return;
      replaceContent(body, ...view(d));
      document.getElementById('dashboard-updated').textContent = `updated ${time(d.now).slice(11)}`;
    } catch (e) {
      if (stopped) return;
      replaceContent(body, h('p', {class: 'error'}, `The dashboard could not be read: ${e.message}`));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  };
  const soon = throttle(load, 2000);
  const stop = follow(null, soon);
  load();
  return () => { stopped = true; clearTimeout(timer); soon.cancel(); stop(); };
}
