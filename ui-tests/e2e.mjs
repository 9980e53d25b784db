// Browser test of Igor's web UI: headless Debian Chromium (/usr/bin/chromium) driven by
// playwright-core. Usage: node e2e.mjs <base url> <screenshot dir>
// Prints "ok <step>" per step and "PASS ..." at the end (exit 0), or "FAIL <step>: ..." (exit 1).
import {chromium} from 'playwright-core';
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error('usage: node e2e.mjs <base url> <screenshot dir>');
  process.exit(2);
}
mkdirSync(shots, {recursive: true});
const WAIT = 30000;
const b64 = (text) => Buffer.from(text).toString('base64');
const started = Date.now();
const run_ = Math.random().toString(36).slice(2, 7);
const MAIN = `ui-e2e ${run_}`;
const KILL = `ui-kill ${run_}`;
const TIMELINE = `ui-timeline ${run_}`;
let step = 'launch';

async function run(name, f) {
  step = name;
  const t = Date.now();
  await f();
  console.log(`ok ${name} (${Date.now() - t} ms)`);
}

const profile = mkdtempSync(join(tmpdir(), 'igor-ui-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: {width: 1440, height: 900},
  timeout: WAIT,
});
context.setDefaultTimeout(WAIT);
const page = context.pages()[0] || await context.newPage();
const problems = [];
// The node asks for a token (IGOR_UI_TOKEN): the UI prompts for it on the first 401.
const TOKEN = process.env.IGOR_UI_TOKEN || '';
let prompts = 0;
page.on('dialog', async (d) => {
  if (d.type() !== 'prompt') return d.dismiss();
  prompts++;
  if (prompts === 1) return d.accept('not-the-token');
  return d.accept(TOKEN);
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`); });

const layer = (name) => page.locator('li.layer', {has: page.locator('.layer-name', {hasText: new RegExp(`^${name}$`)})});
const toast = page.locator('#toast');
const jobStatus = page.locator('.job-status');

async function submit(job) {
  await page.getByRole('link', {name: 'New job'}).first().click();
  await page.getByLabel('Job as JSON').fill(typeof job === 'string' ? job : JSON.stringify(job, null, 2));
  await page.getByRole('button', {name: 'Create job', exact: true}).click();
}

// axe-core, evaluated through the DevTools protocol (the UI's Content-Security-Policy refuses
// injected scripts, and stays on: the test checks it).
const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const checkedPages = [];

/** Fails on any WCAG 2.1 A or AA violation axe-core finds on the page as it is now. */
async function accessible(what) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  }));
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  if (found.length) throw new Error(`accessibility of ${what}:\n${found.join('\n')}`);
  checkedPages.push(what);
}

/** Straight to the API (not through the UI): jobs the UI only looks at. */
async function api(method, path, body) {
  const headers = {'Content-Type': 'application/json'};
  if (TOKEN) headers.Authorization = `Bearer ${TOKEN}`;
  const r = await fetch(base + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function createByApi(job) {
  return (await api('POST', '/api/v1/jobs', job)).id;
}

async function awaitStatus(id, status, within) {
  const until = Date.now() + within;
  for (;;) {
    const s = await api('GET', `/api/v1/jobs/${id}/status`);
    if (s.status === status) return;
    if (Date.now() > until) throw new Error(`job ${id} is ${s.status}, not ${status}, after ${within} ms: ${JSON.stringify(s.counts)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function expectText(locator, pattern) {
  await locator.filter({hasText: pattern}).first().waitFor();
}

try {
  await run('open the jobs list: a wrong token is asked again, a right one kept', async () => {
    await page.goto(base + '/');
    if (TOKEN) {
      await expectText(page.locator('main'), /not valid|unknown|token/i);
      await page.reload();
    }
    await page.getByRole('heading', {name: 'Jobs'}).waitFor();
    await expectText(page.locator('#live'), /^live$/);
    if (TOKEN && prompts !== 2) throw new Error(`asked for a token ${prompts} times, not twice`);
    await page.reload();
    await expectText(page.locator('#live'), /^live$/);
    if (TOKEN && prompts !== 2) throw new Error(`asked again after a reload (${prompts} prompts)`);
    await accessible('the jobs list (empty)');
  });

  await run('invalid JSON is refused next to the input', async () => {
    await submit('{"name": "broken", "layers": [');
    await expectText(page.locator('#json-error'), /Not valid JSON/);
    if (await page.getByLabel('Job as JSON').getAttribute('aria-invalid') !== 'true') throw new Error('textarea not marked invalid');
    await submit('{"layers": [{"tasks": [{"name": "x"}]}]}');
    await expectText(page.locator('#json-error'), /refused the job \(400\).*layers\[0\]\.tasks\[0\]\.type/);
    await accessible('the new job page, with an error');
  });

  let jobUrl;
  await run('submit a job from pasted JSON', async () => {
    await submit({
      name: MAIN,
      layers: [
        {name: 'work', priority: 0, tasks: [
          {type: 'sleep', name: 'nap', args: b64('60')},
          {type: 'echo', name: 'greet', args: b64('hello from the UI')}]},
        {name: 'report', priority: 10, tasks: [{type: 'noop'}, {type: 'echo', args: b64('done')}]},
      ],
    });
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    jobUrl = page.url();
    await layer('report').waitFor();
    await expectText(page.locator('li.group').first(), /running now/);
  });

  await run('add a task to a layer that has not started', async () => {
    await layer('report').getByRole('button', {name: 'Add tasks to layer report', exact: true}).click();
    const form = page.locator('form.add-tasks');
    await form.getByRole('button', {name: 'Add tasks', exact: true}).click();
    await expectText(form.locator('.error'), /needs a type/);
    await accessible('a job, adding tasks to a layer');
    await form.getByLabel('Type').fill('echo');
    await form.getByLabel('Name').fill('added');
    await form.getByLabel('Args (text)').fill('added from the UI');
    await form.getByRole('button', {name: 'Add tasks', exact: true}).click();
    await expectText(toast, /Added 1 task to layer report/);
    await form.waitFor({state: 'detached'});
    await expectText(page.locator('.task-table'), /added \(echo\)/);
    await page.getByRole('button', {name: 'Show all tasks of the job', exact: true}).click();
  });

  await run('pause a layer; skip the running sleep: the job waits on the paused layer', async () => {
    await layer('report').getByRole('button', {name: 'Pause layer report', exact: true}).click();
    await expectText(toast, /Pause: 1 updated/);
    await layer('report').locator('.s-paused').waitFor();
    await expectText(page.locator('.task-table tbody tr', {hasText: 'nap (sleep)'}), /RUNNING/);
    await page.getByRole('link', {name: 'nap (sleep)'}).click();
    await page.locator('#detail').getByRole('button', {name: 'Skip this task', exact: true}).click();
    await page.locator('dialog#confirm').getByRole('button', {name: 'Skip', exact: true}).click();
    await expectText(toast, /Skip: 1 updated/);
    await expectText(layer('work'), /COMPLETED/);
    await expectText(page.locator('li.group').nth(1), /paused: nothing new is queued/);
    await page.getByRole('link', {name: 'Close'}).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    if (!(await jobStatus.textContent()).includes('RUNNING')) throw new Error('job should still run');
  });

  await run('unpause it: the job runs live to COMPLETED', async () => {
    await layer('report').getByRole('button', {name: 'Unpause layer report', exact: true}).click();
    await expectText(toast, /Unpause: 1 updated/);
    await expectText(jobStatus, /COMPLETED/);
    await expectText(layer('report'), /3 \/ 3/);
    // the bars are sized through the CSSOM, which the Content-Security-Policy allows (no inline style)
    // (read again for a few seconds: a live redraw may replace the bar between finding and measuring it)
    const sized = await page.waitForFunction(() => [...document.querySelectorAll('li.layer')]
        .filter((l) => l.querySelector('.layer-name')?.textContent === 'report')
        .some((l) => l.querySelector('.progress .seg')?.getBoundingClientRect().width > 0), null, {timeout: 5000})
        .then(() => true, () => false);
    if (!sized) throw new Error('the progress bar has no width: its style was refused');
    await expectText(page.locator('li.group').nth(1), /done/);
    if (page.url() !== jobUrl) throw new Error(`the page moved to ${page.url()}`);
    await expectText(page.locator('.audit'), /unpause/);
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; window.scrollTo(0, 0); });
    await page.screenshot({path: join(shots, 'job.png'), fullPage: true});
    await accessible('a job');
  });

  await run('task details show args and result as text', async () => {
    await page.getByRole('link', {name: 'greet (echo)'}).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}/);
    const detail = page.locator('#detail');
    await expectText(detail, /Task greet \(echo\)/);
    await expectText(detail.locator('pre.bytes').first(), /^hello from the UI$/);
    await expectText(detail.locator('pre.bytes').nth(1), /^hello from the UI$/);
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; });
    await page.screenshot({path: join(shots, 'task.png'), fullPage: false});
    await accessible('a task\'s details');
  });

  await run('kill a running sleep task (selected, confirmed)', async () => {
    await submit({name: KILL, layers: [{name: 'slow', tasks: [{type: 'sleep', name: 'long', args: b64('60')}]}]});
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    const row = page.locator('.task-table tbody tr', {hasText: 'long (sleep)'});
    await expectText(row, /RUNNING/);
    await row.getByRole('checkbox').check();
    await page.locator('.selection-bar').getByRole('button', {name: 'Kill selection', exact: true}).click();
    const dialog = page.locator('dialog#confirm');
    await expectText(dialog, /Kill 1 task\?/);
    await dialog.getByRole('button', {name: 'Kill', exact: true}).click();
    await expectText(toast, /Kill: 1 updated/);
    await expectText(row, /ERRORED/);
    await expectText(row.locator('td.message'), /killed/);
    await expectText(jobStatus, /ERRORED/);
  });

  await run('retry it: it runs again', async () => {
    await page.getByRole('link', {name: 'long (sleep)'}).click();
    await page.locator('#detail').getByRole('button', {name: 'Retry this task', exact: true}).click();
    await expectText(toast, /Retry: 1 updated/);
    const row = page.locator('.task-table tbody tr', {hasText: 'long (sleep)'});
    await expectText(row, /RUNNING/);
    await expectText(row.locator('td.num'), /^2/);
    await expectText(jobStatus, /RUNNING/);
  });

  await run('the running task shows its progress and log lines, live and after a reload', async () => {
    const detail = page.locator('#detail');
    await expectText(detail.locator('.task-output h3'), /attempt 2$/);
    await expectText(detail.locator('.log-lines'), /sleeping 60\.0 s/);
    // the built-in sleep reports its progress about once a second
    await expectText(detail.locator('[data-key="attempt-progress"]'), /^[1-9][0-9]?%$/);
    await page.reload();
    await expectText(page.locator('#detail .log-lines'), /sleeping 60\.0 s/);
    await accessible('a task\'s progress and logs');
  });

  await run('skip the job (cancel first), and an action the state refuses says 0 updated', async () => {
    await page.locator('.job-head').getByRole('button', {name: 'Skip job', exact: true}).click();
    await page.locator('dialog#confirm').getByRole('button', {name: 'Cancel', exact: true}).click();
    await page.waitForTimeout(300);
    if ((await toast.textContent()).includes('Skip')) throw new Error('cancel still acted');
    await page.locator('.job-head').getByRole('button', {name: 'Skip job', exact: true}).click();
    await page.locator('dialog#confirm').getByRole('button', {name: 'Skip', exact: true}).click();
    await expectText(toast, /Skip: 1 updated/);
    await expectText(jobStatus, /SKIPPED/);
    await page.locator('.job-head').getByRole('button', {name: 'Unpause job', exact: true}).click();
    await expectText(toast, /Unpause: 0 updated: the state did not allow it or the etag was stale/);
  });

  await run('the jobs list shows both, filters by status', async () => {
    await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'Jobs', exact: true}).click();
    await expectText(page.locator('table.jobs'), KILL);
    await expectText(page.locator('table.jobs'), MAIN);
    await expectText(page.locator('table.jobs tr', {hasText: KILL}), /SKIPPED/);
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; });
    await page.screenshot({path: join(shots, 'jobs.png'), fullPage: false});
    await accessible('the jobs list');
    await page.getByRole('checkbox', {name: 'completed', exact: true}).check();
    await page.getByRole('button', {name: 'Apply filters', exact: true}).click();
    await page.waitForURL(/statuses=COMPLETED/);
    await expectText(page.locator('table.jobs'), MAIN);
    await page.locator('table.jobs', {hasText: KILL}).waitFor({state: 'detached'});
  });

  await run('the dashboard charts the finished attempts and the tasks waiting', async () => {
    // a type no worker takes: its tasks wait in the queue; and one attempt that fails
    await submit({name: `ui-waiting ${run_}`, layers: [{name: 'waits', tasks: [
      {type: 'ui-unclaimed'}, {type: 'ui-unclaimed'}, {type: 'ui-unclaimed'}, {type: 'fail', retries: 0}]}]});
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'Dashboard', exact: true}).click();
    await page.getByRole('heading', {name: 'Dashboard', level: 1}).waitFor();
    const waiting = page.locator('.queues tr[data-type="ui-unclaimed"]');
    await expectText(waiting.locator('td').nth(0), /^3$/);
    await expectText(waiting.locator('td').nth(1), /^\d+ (s|min)/);
    await expectText(page.locator('.queues tr[data-type="echo"]'), /echo/);
    const points = async (id) => Number(await page.locator(`#${id} svg`).getAttribute('data-points'));
    if (!(await points('throughput') > 0)) throw new Error('the throughput chart has no data');
    const line = await page.locator('#throughput path.c-ended').evaluate((e) => e.getBBox().height);
    if (!(line > 0)) throw new Error(`the finished line is flat (${line})`);
    await page.waitForFunction(() => Number(document.querySelector('#failures svg')?.getAttribute('data-points')) > 0);
    if (!(await page.locator('#failures rect').count() > 0)) throw new Error('no bar on the failures chart');
    const tiles = await page.locator('.tiles').textContent();
    if (!/3\s*tasks waiting/.test(tiles) || !/[1-9]\d*\s*jobs running/.test(tiles)) throw new Error(`tiles: ${tiles}`);
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; });
    await page.screenshot({path: join(shots, 'dashboard.png'), fullPage: true});
    await accessible('the dashboard');
  });

  await run('the workers page lists the node\'s worker, live, with its types', async () => {
    await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'Workers', exact: true}).click();
    await page.getByRole('heading', {name: 'Workers', level: 1}).waitFor();
    const row = page.locator('table.workers tr', {hasText: 'igor-java'});
    await expectText(row, /LIVE/);
    await expectText(row, /echo/);
    await expectText(page.locator('.summary'), /1 live of 1 known/);
    await page.getByRole('heading', {name: 'Flow-control limits', level: 2}).waitFor();
    await page.screenshot({path: join(shots, 'workers.png'), fullPage: false});
    await accessible('the workers page');
  });

  await run('an admin sets a limit on the workers page and removes it', async () => {
    const limits = page.locator('table.limits');
    await page.getByLabel('Kind').selectOption('type');
    await page.getByLabel('Name', {exact: true}).fill('ui-limited');
    await page.getByLabel('Concurrency').fill('3');
    await page.getByLabel('Rate', {exact: true}).fill('20');
    await page.getByLabel('Per (seconds)').fill('2');
    await page.getByRole('button', {name: 'Set limit'}).click();
    await expectText(page.locator('.limit-answer'), 'Limit type:ui-limited set.');
    const row = limits.locator('tr[data-limit="type:ui-limited"]');
    await expectText(row, /3/);
    await expectText(row, /20 per 2 s/);
    const listed = await page.evaluate(async (token) => {
      const r = await fetch('/api/v1/limits', {headers: {Authorization: `Bearer ${token}`}});
      return (await r.json()).limits.find((l) => l.kind === 'type' && l.name === 'ui-limited');
    }, TOKEN);
    if (!listed || listed.concurrency !== 3 || listed.rate !== 20 || listed.per_seconds !== 2) {
      throw new Error(`the API lists ${JSON.stringify(listed)}`);
    }
    // the node's checks answer next to the form (the browser's own refuse a negative number)
    await page.getByLabel('Weight (fairness)').fill('2');
    await page.getByRole('button', {name: 'Set limit'}).click();
    await expectText(page.locator('.limit-answer'), /Not changed: limit type\/ui-limited: weight belongs to kind 'fairness'/);
    await page.getByLabel('Weight (fairness)').fill('');
    await accessible('the workers page with a limit');
    await row.getByRole('button', {name: 'Remove limit type:ui-limited'}).click();
    await expectText(page.locator('.limit-answer'), 'Limit type:ui-limited removed.');
    await row.waitFor({state: 'detached'});
  });

  await run('a task of a type no live worker takes says why it waits', async () => {
    await submit({name: `ui-waits ${run_}`, layers: [{tasks: [{name: 'lonely', type: 'ui-nobody-takes'}]}]});
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}/);
    await expectText(page.locator('table.task-table'), /waiting: no live worker takes type "ui-nobody-takes"/);
    await page.getByRole('link', {name: 'lonely (ui-nobody-takes)'}).click();
    await expectText(page.locator('#detail .waiting'), /no live worker takes type "ui-nobody-takes"/);
    await accessible('a task waiting for a worker');
  });

  await run('the schedules page lists a schedule with its next fire', async () => {
    const made = await page.evaluate(async (token) => {
      const r = await fetch('/api/v1/schedules', {method: 'POST',
        headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token}`},
        body: JSON.stringify({name: 'ui nightly', cron: '0 30 2 * * *', time_zone: 'Europe/Paris',
          job: {layers: [{tasks: [{type: 'noop'}]}]}})});
      return r.status;
    }, TOKEN);
    if (made !== 200) throw new Error(`schedule not created: ${made}`);
    await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'Schedules', exact: true}).click();
    await expectText(page.locator('table.list'), 'ui nightly');
    await accessible('the schedules page');
  });

  await run('the API page shows the contract, with links to its schemas', async () => {
    await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'API', exact: true}).click();
    await page.getByRole('heading', {name: 'Igor API v1', level: 1}).waitFor();
    await page.locator('#op-createJob', {hasText: '/api/v1/jobs'}).waitFor();
    await page.locator('#op-createJob').getByRole('link', {name: 'CreateJob', exact: true}).click();
    await page.locator('#schema-CreateJob', {hasText: 'layers'}).waitFor();
    await page.screenshot({path: join(shots, 'reference.png'), fullPage: false});
    await accessible('the API page');
  });

  await run('a job\'s timeline: where the time went, a bar per attempt (retries too), zoom', async () => {
    const fetchTasks = Array.from({length: 12}, (_, i) => ({type: 'sleep', name: `f${i + 1}`, args: b64(String(0.3 + 0.1 * i))}));
    const transform = [...Array.from({length: 6}, (_, i) => ({type: 'sleep', name: `t${i + 1}`, args: b64('0.5')})),
      {type: 'fail', name: 'flaky', args: b64('flaky on purpose'), retries: 2}];
    const id = await createByApi({name: TIMELINE, layers: [
      {name: 'transform', priority: 10, tasks: transform}, {name: 'fetch', priority: 0, tasks: fetchTasks}]});
    await awaitStatus(id, 'ERRORED', 60000);
    await page.goto(`${base}/jobs/${id}`);
    await page.locator('.job-head').getByRole('link', {name: 'Timeline', exact: true}).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}\/timeline$/);
    const canvas = page.locator('canvas.timeline-canvas[data-drawn]');
    await canvas.waitFor();
    await page.getByRole('heading', {name: `Timeline of ${TIMELINE}`}).waitFor();
    const rows = await page.locator('table.where tbody th').allTextContents();
    if (rows.join(',') !== 'fetch,transform') throw new Error(`layers not in run order: ${rows}`);
    await expectText(page.locator('.timeline-summary .headline'), /% of the attempts' time was spent waiting in the queue/);
    await expectText(page.locator('table.where tfoot'), /The job\s*19\s*21/);
    const data = async () => canvas.evaluate((c) => ({...c.dataset}));
    const first = await data();
    if (first.bars !== '21' || first.aggregated !== '0') throw new Error(`bars ${first.bars}, aggregated ${first.aggregated}: not 21 attempts as lanes (18 tasks and 3 attempts of flaky)`);
    const span = async () => Number((await data()).span);
    const all = await span();
    await page.getByRole('button', {name: 'Zoom in', exact: true}).click();
    if (Math.abs(await span() - all / 2) > 1) throw new Error(`zoom in: span ${await span()} of ${all}`);
    await canvas.focus();
    await page.keyboard.press('-');
    if (Math.abs(await span() - all) > 1) throw new Error(`key -: span ${await span()}, not ${all}`);
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    if (Math.abs(await span() - all / 4) > 1) throw new Error(`key + twice: span ${await span()}, not ${all / 4}`);
    await page.keyboard.press('0');
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((before) => Number(document.querySelector('canvas.timeline-canvas').dataset.span) < before, all);
    await page.getByRole('button', {name: 'Show all', exact: true}).click();
    if (await span() !== all) throw new Error('Show all did not show all');
    // the first line of layer fetch, just right of where the axis begins: its first attempt
    await page.mouse.move(box.x + 190 + 40, box.y + 30 + 4);
    await expectText(page.locator('#timeline-hover'), /^task [0-9a-f-]{36}, attempt 1: queued .*, waited .*, ran .*, completed$/);
    await page.mouse.move(box.x + 20, box.y + 5);
    await accessible('a job\'s timeline');
    await page.screenshot({path: join(shots, 'timeline.png'), fullPage: true});
  });

  await run('a 10,000-task job\'s timeline renders in under 1 s', async () => {
    const noops = (n) => Array.from({length: n}, () => ({type: 'noop'}));
    const id = await createByApi({name: `ui-timeline-10k ${run_}`, layers: [
      {name: 'fan-out', priority: 0, tasks: noops(8000)}, {name: 'fan-in', priority: 10, tasks: noops(2000)}]});
    await awaitStatus(id, 'COMPLETED', 150000);
    await page.goto(`${base}/jobs/${id}/timeline`);
    const canvas = page.locator('canvas.timeline-canvas[data-drawn]');
    await canvas.waitFor();
    const d = await canvas.evaluate((c) => ({...c.dataset}));
    if (d.aggregated !== '10000' || d.bars !== '0') throw new Error(`aggregated ${d.aggregated}, bars ${d.bars}: not 10,000 attempts as counts`);
    await page.screenshot({path: join(shots, 'timeline-10k.png'), fullPage: true});
    await page.getByRole('button', {name: 'Zoom in', exact: true}).click();
    const zoomed = await canvas.evaluate((c) => c.dataset.drawMs);
    console.log(`timeline of a 10,000-task job in headless Chromium: rendered in ${d.renderMs} ms (answer parsed to drawn: typed arrays, summary, canvas; ` +
        `of which the canvas ${d.drawMs} ms); the API answered in ${d.fetchMs} ms; page opened to drawn ${d.sinceOpenMs} ms; a zoom redraws in ${zoomed} ms`);
    if (!(Number(d.renderMs) < 1000)) throw new Error(`rendering took ${d.renderMs} ms, not under 1 s`);
  });

  if (problems.length) {
    step = 'browser console';
    throw new Error(problems.join('\n'));
  }
  console.log(`accessible (axe-core ${JSON.parse(readFileSync(new URL('./node_modules/axe-core/package.json', import.meta.url), 'utf8')).version}, WCAG 2.1 A and AA): ${checkedPages.join('; ')}`);
  console.log(`PASS ${base} in ${Date.now() - started} ms`);
  await context.close();
  rmSync(profile, {recursive: true, force: true});
  process.exit(0);
} catch (e) {
  console.log(`FAIL ${step}: ${e.message.split('\n').slice(0, 6).join('\n')}`);
  if (problems.length) console.log(problems.join('\n'));
  try { await page.screenshot({path: join(shots, 'failure.png'), fullPage: true}); } catch (ignored) { /* closed */ }
  await context.close().catch(() => {});
  rmSync(profile, {recursive: true, force: true});
  process.exit(1);
}
