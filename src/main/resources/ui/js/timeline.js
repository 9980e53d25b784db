// A job's timeline (/jobs/{id}/timeline): where the time went (queue wait vs run, per layer, first),
// then every attempt as a bar on a time axis, grouped by layer in run order, drawn on one canvas.
// A layer whose tasks would get lanes thinner than LANE_MIN px is drawn aggregated: per pixel column,
// how many of its attempts were waiting and running there (by outcome), as a stacked density strip.
// Zoom: the buttons, the wheel (around the pointer), dragging to pan, and the keys + - 0 and arrows.

import {api} from './api.js';
import {h, replaceContent} from './dom.js';
import {navigate} from './router.js';

const GUTTER = 190;     // px for the layer names, left of the plot
const AXIS = 30;        // px for the time axis, above the layers
const BAND_GAP = 10;    // px between layers
const LANE_MIN = 4;     // below this a layer is drawn as a density strip
const LANE_MAX = 14;
const BAND_MAX = 220;   // the most px of lanes one layer gets
const DENSITY_H = 84;
const MIN_SPAN = 5;     // ms: the deepest zoom

// Outcome codes of the typed arrays, with the colour (a CSS variable of app.css) and the legend.
const OUTCOMES = ['', 'completed', 'failed', 'timed_out', 'killed', 'skipped', 'withdrawn'];
const RUN_COLOR = {'': '--running', completed: '--completed', failed: '--errored', timed_out: '--errored',
  killed: '--killed', skipped: '--skipped', withdrawn: '--pending'};
const LEGEND = [
  ['--queued', 'waiting in the queue'], ['--running', 'running now'], ['--completed', 'ran, completed'],
  ['--errored', 'ran, failed or timed out'], ['--killed', 'ran, killed'], ['--skipped', 'skipped'],
  ['--pending', 'withdrawn (paused while queued, given back)'],
];

/** Milliseconds as "850 ms", "1.25 s", "2 min 5 s", "3 h 20 min". */
export function duration(ms) {
  if (!(ms >= 0)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(ms / 3600000)} h ${Math.round((ms % 3600000) / 60000)} min`;
}

function clock(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1)];
}

/** The answer of the API as typed arrays per layer, lanes by task in order of first queueing. */
function prepare(data) {
  const now = data.now_ms;
  const layers = data.layers.map((l) => ({...l, n: 0, taskIds: []}));
  const byId = new Map(layers.map((l) => [l.id, l]));
  for (const a of data.attempts) { const l = byId.get(a.layer_id); if (l) l.n++; }
  for (const l of layers) {
    l.q = new Float64Array(l.n); l.s = new Float64Array(l.n); l.e = new Float64Array(l.n);
    l.outcome = new Uint8Array(l.n); l.lane = new Int32Array(l.n); l.attempt = new Int32Array(l.n);
    l.laneOf = new Map(); l.i = 0;
  }
  let first = Infinity;
  let last = -Infinity;
  const waits = [];
  const runs = [];
  for (const a of data.attempts) {
    const l = byId.get(a.layer_id);
    if (!l) continue;
    const i = l.i++;
    let lane = l.laneOf.get(a.task_id);
    if (lane === undefined) { lane = l.taskIds.length; l.laneOf.set(a.task_id, lane); l.taskIds.push(a.task_id); }
    const end = a.ended_at_ms || now;
    l.q[i] = a.queued_at_ms; l.s[i] = a.started_at_ms; l.e[i] = end;
    l.outcome[i] = Math.max(0, OUTCOMES.indexOf(a.outcome)); l.lane[i] = lane; l.attempt[i] = a.attempt;
    first = Math.min(first, a.queued_at_ms);
    last = Math.max(last, end);
    waits.push((a.started_at_ms || end) - a.queued_at_ms);
    if (a.started_at_ms) runs.push(end - a.started_at_ms);
  }
  waits.sort((x, y) => x - y);
  runs.sort((x, y) => x - y);
  const sum = (xs) => xs.reduce((s, x) => s + x, 0);
  const job = {
    attempts: data.attempts.length, waitMs: sum(waits), runMs: sum(runs),
    waitP50: percentile(waits, 50), waitP95: percentile(waits, 95), runP50: percentile(runs, 50), runP95: percentile(runs, 95),
  };
  return {now, layers, first, last, job, name: data.name};
}

export function timelinePage(main, jobId) {
  document.title = 'Timeline · Igor';
  const started = performance.now();
  let model = null;
  let view = null;      // {from, to} in unix ms
  let fit = null;
  let bands = [];       // per layer: {top, height, mode, laneH}
  let drag = null;

  const heading = h('h1', {}, 'Timeline');
  const status = h('p', {class: 'muted', id: 'timeline-status'}, 'Loading the timeline…');
  const error = h('p', {class: 'error', role: 'alert'});
  const summary = h('section', {class: 'timeline-summary', 'aria-labelledby': 'where-h'});
  const span = h('span', {class: 'timeline-span', id: 'timeline-span', 'aria-live': 'polite'});
  const hover = h('p', {class: 'timeline-hover', id: 'timeline-hover'}, ' ');
  const canvas = h('canvas', {class: 'timeline-canvas', tabindex: '0', role: 'img',
    'aria-label': 'Timeline of the job\'s attempts', 'aria-describedby': 'timeline-keys'});
  const button = (label, text, f, key) => h('button', {type: 'button', class: 'small', 'aria-label': label,
    title: label, 'data-key': key, onclick: f}, text);

  const controls = h('div', {class: 'timeline-controls buttons', role: 'group', 'aria-label': 'Zoom and pan the timeline'},
      button('Zoom in', '+', () => zoom(0.5), 'tl-in'),
      button('Zoom out', '−', () => zoom(2), 'tl-out'),
      button('Show all', 'Show all', () => setView(fit), 'tl-fit'),
      button('Earlier', '←', () => pan(-0.25), 'tl-left'),
      button('Later', '→', () => pan(0.25), 'tl-right'),
      button('Reload', 'Reload', () => load(), 'tl-reload'),
      span);

  const chart = h('section', {class: 'timeline-chart', 'aria-labelledby': 'attempts-h'},
      h('h2', {id: 'attempts-h'}, 'Attempts ', h('span', {class: 'muted small'}, 'by layer in run order: each bar an attempt, its light part the wait in the queue, its dark part the run, coloured by outcome; a retry is another bar on the same task\'s line')),
      controls,
      h('p', {class: 'muted small', id: 'timeline-keys'}, 'Wheel to zoom around the pointer, drag to pan; with the chart focused: + and − zoom, 0 shows all, ← and → pan. Point at a bar for its times; click it to open its task.'),
      h('div', {class: 'timeline-frame'}, canvas),
      hover,
      h('ul', {class: 'legend', 'aria-label': 'Colours'}, LEGEND.map(([v, text]) =>
          h('li', {}, h('span', {class: `swatch sw${v}`}), text))));

  replaceContent(main, h('div', {class: 'timeline-page'},
      h('p', {class: 'crumbs'}, h('a', {href: '/'}, 'Jobs'), ' / ', h('a', {href: `/jobs/${jobId}`, id: 'timeline-job'}, 'Job'), ' / '),
      heading, status, error, summary, chart));

  // --- summary ------------------------------------------------------------------------------

  function splitBar(wait, run) {
    const all = wait + run;
    const label = all === 0 ? 'no time yet' : `${Math.round((100 * wait) / all)}% waiting in the queue, ${Math.round((100 * run) / all)}% running`;
    return h('div', {class: 'split', role: 'img', 'aria-label': label, title: label},
        all ? h('span', {class: 'seg s-queued', style: `width:${(100 * wait) / all}%`}) : null,
        all ? h('span', {class: 'seg s-running', style: `width:${(100 * run) / all}%`}) : null);
  }

  function drawSummary() {
    const {layers, job} = model;
    const all = job.waitMs + job.runMs;
    const row = (name, tasks, attempts, wait, run, wp50, wp95, rp50, rp95, cls) => h('tr', {class: cls},
        h('th', {scope: 'row'}, name), h('td', {class: 'num'}, tasks.toLocaleString('en')), h('td', {class: 'num'}, attempts.toLocaleString('en')),
        h('td', {class: 'num'}, duration(wait)), h('td', {class: 'num'}, duration(run)), h('td', {}, splitBar(wait, run)),
        h('td', {class: 'num'}, `${duration(wp50)} / ${duration(wp95)}`), h('td', {class: 'num'}, `${duration(rp50)} / ${duration(rp95)}`));
    replaceContent(summary,
        h('h2', {id: 'where-h'}, 'Where the time went'),
        h('p', {class: 'headline'}, job.attempts === 0 ? 'No attempt has been queued yet.' :
          `${all ? Math.round((100 * job.waitMs) / all) : 0}% of the attempts' time was spent waiting in the queue: ` +
          `${duration(job.waitMs)} waiting and ${duration(job.runMs)} running, over ${job.attempts.toLocaleString('en')} attempts` +
          ` (${duration(model.last - model.first)} from the first queued to the last ended).`),
        h('table', {class: 'where'},
            h('thead', {}, h('tr', {}, ['Layer', 'Tasks', 'Attempts', 'Queue wait, summed', 'Run time, summed', 'Wait vs run', 'Wait p50 / p95', 'Run p50 / p95']
                .map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', {}, layers.map((l) => row(l.name || '(no name)', l.tasks,
                l.attempts, l.queue_wait_ms, l.run_ms, l.queue_wait_p50_ms, l.queue_wait_p95_ms, l.run_p50_ms, l.run_p95_ms, ''))),
            h('tfoot', {}, row('The job', layers.reduce((s, l) => s + l.tasks, 0), job.attempts, job.waitMs, job.runMs,
                job.waitP50, job.waitP95, job.runP50, job.runP95, 'total'))));
  }

  // --- layout and drawing ----------------------------------------------------------------------

  function layout() {
    let top = AXIS;
    bands = model.layers.map((l) => {
      const lanes = Math.max(1, l.taskIds.length);
      const fitLane = BAND_MAX / lanes;
      const dense = fitLane < LANE_MIN;
      const laneH = dense ? 0 : Math.min(LANE_MAX, fitLane);
      const height = Math.max(28, dense ? DENSITY_H : Math.ceil(laneH * lanes));
      const band = {top, height, dense, laneH};
      top += height + BAND_GAP;
      return band;
    });
    return top;
  }

  const color = (v) => getComputedStyle(document.documentElement).getPropertyValue(v).trim() || '#888';

  function ticks(from, to, width) {
    const spanMs = to - from;
    const target = spanMs / Math.max(1, width / 110);
    const pow = Math.pow(10, Math.floor(Math.log10(Math.max(target, 1e-3))));
    const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= target) || 10 * pow;
    const out = [];
    const origin = model.first;
    for (let t = Math.ceil((from - origin) / step) * step; t <= to - origin; t += step) out.push(t);
    return {step, list: out};
  }

  function draw() {
    if (!model) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(400, canvas.parentElement.clientWidth);
    const height = layout() + 4;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const plotW = width - GUTTER - 8;
    const {from, to} = view;
    const scale = plotW / (to - from);
    const x = (t) => GUTTER + (t - from) * scale;
    const fg = color('--fg');
    const muted = color('--muted');
    const line = color('--line');

    // axis: times from the first attempt queued
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const {list} = ticks(from, to, plotW);
    ctx.fillStyle = muted;
    ctx.strokeStyle = line;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const rel of list) {
      const px = Math.round(x(model.first + rel)) + 0.5;
      ctx.moveTo(px, AXIS - 6); ctx.lineTo(px, height);
    }
    ctx.stroke();
    ctx.textAlign = 'center';
    for (const rel of list) ctx.fillText(rel === 0 ? '0' : `+${duration(rel)}`, x(model.first + rel), 12);
    ctx.textAlign = 'left';

    let bars = 0;
    let aggregated = 0;
    model.layers.forEach((l, li) => {
      const b = bands[li];
      // the layer's name and size in the gutter
      ctx.fillStyle = fg;
      ctx.font = 'bold 13px system-ui, sans-serif';
      ctx.fillText(ellipsis(ctx, l.name || '(no name)', GUTTER - 12), 6, b.top + 9);
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillStyle = muted;
      ctx.fillText(`${l.tasks.toLocaleString('en')} tasks, ${l.n.toLocaleString('en')} attempts`, 6, b.top + 25);
      if (b.dense) ctx.fillText('drawn as counts', 6, b.top + 41);
      ctx.strokeStyle = line;
      ctx.strokeRect(GUTTER - 0.5, b.top - 0.5, plotW + 1, b.height + 1);
      ctx.save();
      ctx.beginPath();
      ctx.rect(GUTTER, b.top, plotW, b.height);
      ctx.clip();
      if (b.dense) {
        aggregated += drawDensity(ctx, l, b, x, plotW);
      } else {
        bars += drawLanes(ctx, l, b, x, plotW);
      }
      ctx.restore();
    });
    canvas.dataset.bars = String(bars);
    canvas.dataset.aggregated = String(aggregated);
    canvas.dataset.span = String(Math.round(to - from));
    canvas.dataset.drawMs = (performance.now() - t0).toFixed(1);
    canvas.setAttribute('aria-label', `Timeline of ${model.job.attempts} attempts in ${model.layers.length} layers, ` +
        `showing ${duration(view.from - model.first)} to ${duration(view.to - model.first)} after the first was queued`);
    span.textContent = `Showing +${duration(Math.max(0, view.from - model.first))} to +${duration(view.to - model.first)} (${duration(to - from)})`;
  }

  function ellipsis(ctx, text, max) {
    if (ctx.measureText(text).width <= max) return text;
    let s = text;
    while (s.length > 1 && ctx.measureText(`${s}…`).width > max) s = s.slice(0, -1);
    return `${s}…`;
  }

  /** One line per task, a bar per attempt: the wait light, the run by outcome. Answers the bars drawn. */
  function drawLanes(ctx, l, b, x, plotW) {
    const queued = color('--queued');
    const colours = OUTCOMES.map((o) => color(RUN_COLOR[o]));
    const left = GUTTER;
    const right = GUTTER + plotW;
    const pad = b.laneH >= 8 ? 1 : 0;
    let drawn = 0;
    for (let i = 0; i < l.n; i++) {
      const q = x(l.q[i]);
      const e = x(l.e[i]);
      if (e < left - 1 || q > right + 1) continue;
      const y = b.top + l.lane[i] * b.laneH + pad;
      const hh = Math.max(1, b.laneH - 2 * pad);
      const s = l.s[i] ? x(l.s[i]) : e;
      ctx.fillStyle = queued;
      ctx.fillRect(q, y, Math.max(1, s - q), hh);
      if (l.s[i]) {
        ctx.fillStyle = colours[l.outcome[i]];
        ctx.fillRect(s, y, Math.max(1, e - s), hh);
      }
      if (l.attempt[i] > 1 && b.laneH >= 6) {
        // a retry: a notch where it was queued again
        ctx.fillStyle = '#1d2330';
        ctx.fillRect(q, y, 1, hh);
      }
      drawn++;
    }
    return drawn;
  }

  /**
   * Per pixel column, how many attempts were waiting, and running by outcome, on average over the
   * column's time (an attempt counts by the share of the column it covers, so the stack is "how
   * many at once"), stacked from the bottom (completed, failed, timed out, killed, skipped,
   * withdrawn, running now, then waiting) and scaled to the layer's peak; below it a strip of the
   * attempts that ended in each column, darker for more, red when any failed. Answers the attempts
   * counted.
   */
  function drawDensity(ctx, l, b, x, plotW) {
    const W = Math.ceil(plotW);
    // rows of counts: 0 waiting, 1..7 running by outcome code (as OUTCOMES + 1)
    const diff = Array.from({length: 8}, () => new Float64Array(W + 2));
    const part = Array.from({length: 8}, () => new Float64Array(W + 1));
    const ends = new Int32Array(W + 1);
    const bad = new Int32Array(W + 1);
    const add = (row, a, z) => {
      a = Math.max(0, a);
      z = Math.min(W, z);
      if (z <= a) return;
      const fa = Math.floor(a);
      const fz = Math.floor(z);
      if (fa === fz) { part[row][fa] += z - a; return; }
      part[row][fa] += fa + 1 - a;
      diff[row][fa + 1] += 1;
      diff[row][fz] -= 1;
      if (fz < W) part[row][fz] += z - fz;
    };
    let counted = 0;
    for (let i = 0; i < l.n; i++) {
      const q = x(l.q[i]) - GUTTER;
      const e = x(l.e[i]) - GUTTER;
      if (e < 0 || q >= W) continue;
      const s = l.s[i] ? x(l.s[i]) - GUTTER : e;
      add(0, q, s);
      if (l.s[i]) add(1 + l.outcome[i], s, e);
      if (l.outcome[i] && e >= 0 && e < W) {
        ends[Math.floor(e)]++;
        const o = OUTCOMES[l.outcome[i]];
        if (o === 'failed' || o === 'timed_out' || o === 'killed') bad[Math.floor(e)]++;
      }
      counted++;
    }
    const counts = diff.map((d, r) => {
      const c = new Float64Array(W);
      let run = 0;
      for (let k = 0; k < W; k++) { run += d[k]; c[k] = run + part[r][k]; }
      return c;
    });
    let peak = 0;
    let mostEnds = 0;
    for (let k = 0; k < W; k++) {
      let sum = 0;
      for (let r = 0; r < 8; r++) sum += counts[r][k];
      peak = Math.max(peak, sum);
      mostEnds = Math.max(mostEnds, ends[k]);
    }
    const STRIP = 8;
    const areaH = b.height - 14 - STRIP - 2;
    const bottom = b.top + b.height - STRIP - 2;
    if (peak > 0) {
      const order = [2, 3, 4, 5, 6, 7, 1, 0];  // completed, failed, timed out, killed, skipped, withdrawn, running now, waiting
      const fills = order.map((r) => (r === 0 ? color('--queued') : color(RUN_COLOR[OUTCOMES[r - 1]])));
      const unit = areaH / peak;
      const base = new Float64Array(W);
      order.forEach((r, oi) => {
        ctx.fillStyle = fills[oi];
        ctx.beginPath();
        const c = counts[r];
        for (let k = 0; k < W; k++) {
          if (c[k] <= 0) continue;
          const hh = Math.max(1, c[k] * unit);  // what is there stays visible
          ctx.rect(GUTTER + k, bottom - base[k] - hh, 1, hh);
          base[k] += hh;
        }
        ctx.fill();
      });
    }
    if (mostEnds > 0) {
      const ok = color('--completed');
      const failed = color('--errored');
      for (let k = 0; k < W; k++) {
        if (!ends[k]) continue;
        ctx.globalAlpha = 0.25 + (0.75 * ends[k]) / mostEnds;
        ctx.fillStyle = bad[k] ? failed : ok;
        ctx.fillRect(GUTTER + k, b.top + b.height - STRIP, 1, STRIP);
      }
      ctx.globalAlpha = 1;
    }
    ctx.fillStyle = color('--muted');
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`peak ${Math.round(peak).toLocaleString('en')} at once; bottom strip: attempts ending (most ${mostEnds.toLocaleString('en')} in a pixel)`, GUTTER + 4, b.top + 7);
    return counted;
  }

  // --- zoom, pan, pointing -----------------------------------------------------------------------

  function setView(next) {
    if (!model || !next) return;
    let {from, to} = next;
    const maxSpan = (fit.to - fit.from) * 4;
    const spanMs = Math.min(maxSpan, Math.max(MIN_SPAN, to - from));
    const mid = (from + to) / 2;
    from = mid - spanMs / 2;
    to = mid + spanMs / 2;
    view = {from, to};
    draw();
  }

  function zoom(factor, at) {
    if (!view) return;
    const anchor = at ?? (view.from + view.to) / 2;
    setView({from: anchor - (anchor - view.from) * factor, to: anchor + (view.to - anchor) * factor});
  }

  function pan(fraction) {
    if (!view) return;
    const d = (view.to - view.from) * fraction;
    setView({from: view.from + d, to: view.to + d});
  }

  const timeAt = (clientX) => {
    const r = canvas.getBoundingClientRect();
    const plotW = r.width - GUTTER - 8;
    return view.from + ((clientX - r.left - GUTTER) / plotW) * (view.to - view.from);
  };

  /** The attempt under the pointer (lanes), or the counts at its time (density). */
  function pointAt(clientX, clientY) {
    if (!model) return null;
    const r = canvas.getBoundingClientRect();
    const yy = clientY - r.top;
    if (clientX - r.left < GUTTER) return null;
    const t = timeAt(clientX);
    const li = bands.findIndex((b) => yy >= b.top && yy < b.top + b.height);
    if (li < 0) return null;
    const l = model.layers[li];
    const b = bands[li];
    const slack = (view.to - view.from) / Math.max(1, r.width - GUTTER) * 2;
    if (b.dense) {
      let waiting = 0;
      let running = 0;
      for (let i = 0; i < l.n; i++) {
        if (l.q[i] - slack > t || l.e[i] + slack < t) continue;
        if (l.s[i] && l.s[i] <= t + slack) running++; else waiting++;
      }
      return {text: `${l.name || 'layer'} at +${duration(Math.max(0, t - model.first))}: ${running.toLocaleString('en')} running, ${waiting.toLocaleString('en')} waiting`};
    }
    const lane = Math.floor((yy - b.top) / b.laneH);
    for (let i = 0; i < l.n; i++) {
      if (l.lane[i] !== lane || l.q[i] - slack > t || l.e[i] + slack < t) continue;
      const o = OUTCOMES[l.outcome[i]];
      const waited = (l.s[i] || l.e[i]) - l.q[i];
      const ran = l.s[i] ? l.e[i] - l.s[i] : 0;
      const taskId = l.taskIds[lane];
      return {taskId, text: `task ${taskId}, attempt ${l.attempt[i]}: queued ${clock(l.q[i])}, waited ${duration(waited)}` +
          (l.s[i] ? `, ran ${duration(ran)}` : ', never started') + (o ? `, ${o.replace('_', ' ')}` : l.s[i] ? ', running' : ', queued')};
    }
    return null;
  }

  canvas.addEventListener('wheel', (e) => {
    if (!view) return;
    e.preventDefault();
    zoom(Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300))), timeAt(e.clientX));
  }, {passive: false});
  canvas.addEventListener('pointerdown', (e) => {
    if (!view) return;
    drag = {x: e.clientX, from: view.from, to: view.to, moved: false};
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (drag) {
      const r = canvas.getBoundingClientRect();
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      const d = (dx / (r.width - GUTTER - 8)) * (drag.to - drag.from);
      view = {from: drag.from - d, to: drag.to - d};
      draw();
      return;
    }
    const p = pointAt(e.clientX, e.clientY);
    hover.textContent = p ? p.text : ' ';
    canvas.classList.toggle('pointing', Boolean(p && p.taskId));
  });
  canvas.addEventListener('pointerup', (e) => {
    const was = drag;
    drag = null;
    if (was && !was.moved) {
      const p = pointAt(e.clientX, e.clientY);
      if (p && p.taskId) navigate(`/jobs/${jobId}/tasks/${p.taskId}`);
    }
  });
  canvas.addEventListener('keydown', (e) => {
    const keys = {'+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), '_': () => zoom(2),
      '0': () => setView(fit), ArrowLeft: () => pan(-0.1), ArrowRight: () => pan(0.1)};
    const f = keys[e.key];
    if (f) { e.preventDefault(); f(); }
  });
  const onResize = () => draw();
  window.addEventListener('resize', onResize);

  // --- loading -----------------------------------------------------------------------------------

  async function load() {
    const asked = performance.now();
    let data;
    try {
      data = await api.timeline(jobId);
      error.textContent = '';
    } catch (e) {
      status.textContent = '';
      error.textContent = e.status === 404 ? `No job has the id ${jobId}.` : `Could not load the timeline: ${e.message}`;
      return;
    }
    const got = performance.now();
    model = prepare(data);
    const name = data.name || jobId;
    document.title = `Timeline of ${name} · Igor`;
    heading.textContent = `Timeline of ${data.name || '(no name)'}`;
    document.getElementById('timeline-job').textContent = data.name || jobId;
    status.textContent = model.job.attempts === 0 ? 'No attempt yet.' :
      `From ${clock(model.first)} to ${clock(model.last)}; read ${clock(data.now_ms)}.`;
    if (model.job.attempts) {
      const pad = Math.max(MIN_SPAN, (model.last - model.first) * 0.02);
      fit = {from: model.first - pad, to: model.last + pad};
    } else {
      fit = {from: data.now_ms - 1000, to: data.now_ms};
      model.first = data.now_ms - 1000;
      model.last = data.now_ms;
    }
    drawSummary();
    view = view && model.job.attempts ? view : fit;
    setView(view);
    const drawn = performance.now();
    canvas.dataset.fetchMs = (got - asked).toFixed(1);
    canvas.dataset.renderMs = (drawn - got).toFixed(1);
    canvas.dataset.sinceOpenMs = (drawn - started).toFixed(1);
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }

  load();
  return () => {
    window.removeEventListener('resize', onResize);
  };
}
