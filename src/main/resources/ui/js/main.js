// The UI's entry: picks the page for the address and keeps the header in step.

import {dashboardPage} from './dashboard.js';
import {jobPage} from './job.js';
import {jobsPage} from './jobs.js';
import {h, replaceContent} from './dom.js';
import {interceptLinks, onNavigate} from './router.js';
import {setUpEtagToggle} from './steer.js';
import {referencePage} from './reference.js';
import {submitPage} from './submit.js';
import {timelinePage} from './timeline.js';
import {workersPage} from './workers.js';

const main = document.getElementById('main');
let current = null;

function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(location.search);
  const job = /^\/jobs\/([0-9a-f-]{36})(?:\/tasks\/([0-9a-f-]{36}))?$/.exec(path);
  const timeline = /^\/jobs\/([0-9a-f-]{36})\/timeline$/.exec(path);
  if (job && current?.update && current.update(job[1], job[2] || null, params)) return false;
  if (current) current.cleanup();
  current = null;
  let page = 'jobs';
  if (path === '/' || path === '/jobs') {
    current = {cleanup: jobsPage(main, params)};
  } else if (timeline) {
    current = {cleanup: timelinePage(main, timeline[1])};
  } else if (job) {
    current = jobPage(main, job[1], job[2] || null, params);
  } else if (path === '/submit') {
    page = 'submit';
    current = {cleanup: submitPage(main)};
  } else if (path === '/dashboard') {
    page = 'dashboard';
    current = {cleanup: dashboardPage(main)};
  } else if (path === '/workers') {
    page = 'workers';
    current = {cleanup: workersPage(main)};
  } else if (path === '/reference') {
    page = 'reference';
    current = {cleanup: referencePage(main)};
  } else {
    page = '';
    replaceContent(main, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '/'}, 'All jobs')));
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  return true;
}

setUpEtagToggle();
interceptLinks();
onNavigate(() => {
  if (!route()) return;
  window.scrollTo(0, 0);
  if (!main.contains(document.activeElement)) main.focus({preventScroll: true});
});
route();
