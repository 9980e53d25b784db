// API v1, and nothing else: every call of the UI goes through here.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const TOKEN_KEY = 'igor.token';

/** The API token this browser keeps (asked for when Igor answers 401), or null. */
export function token() {
  try { return window.localStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

/** Asks the person for a token; keeps it in this browser. Answers whether one was given. */
function askForToken(message) {
  const given = window.prompt(`${message}\n\nThis Igor needs an API token (read role to look, write role to steer, admin to change limits):`);
  if (!given || !given.trim()) return false;
  try { window.localStorage.setItem(TOKEN_KEY, given.trim()); } catch (e) { return false; }
  return true;
}

async function call(method, path, body, asked = false) {
  let response;
  try {
    const headers = body === undefined ? {} : {'Content-Type': 'application/json'};
    const t = token();
    if (t) headers['Authorization'] = `Bearer ${t}`;
    response = await fetch(path, {method, headers, body});
  } catch (e) {
    throw new ApiError(`Igor is not reachable (${e.message})`, 0);
  }
  if (response.status === 401 && !asked) {
    let error = 'A token is needed.';
    try { error = (await response.clone().json()).error || error; } catch (e) { /* not JSON */ }
    if (askForToken(error)) return call(method, path, body, true);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) {
    throw new ApiError((json && json.error) || `${response.status} ${response.statusText}`, response.status);
  }
  return json;
}

/** A query string of the set values; arrays become comma-separated. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  jobs: (params) => call('GET', `/api/v1/jobs${query(params)}`),
  jobStatus: (id) => call('GET', `/api/v1/jobs/${encodeURIComponent(id)}/status`),
  audit: (id) => call('GET', `/api/v1/jobs/${encodeURIComponent(id)}/audit`),
  timeline: (id) => call('GET', `/api/v1/jobs/${encodeURIComponent(id)}/timeline`),
  layers: (params) => call('GET', `/api/v1/layers${query(params)}`),
  tasks: (params) => call('GET', `/api/v1/tasks${query(params)}`),
  task: (id) => call('GET', `/api/v1/tasks/${encodeURIComponent(id)}`),
  /** GET /api/v1/tasks/{id}/logs: each attempt's progress and log lines (the newest kept). */
  taskLogs: (id) => call('GET', `/api/v1/tasks/${encodeURIComponent(id)}/logs`),
  createJob: (json) => call('POST', '/api/v1/jobs', json),
  contract: () => call('GET', '/api/v1/openapi.json'),
  /** GET /api/v1/dashboard: the cluster's last hour. */
  dashboard: () => call('GET', '/api/v1/dashboard'),
  workers: () => call('GET', '/api/v1/workers'),
  /** GET /api/v1/limits: flow control's limits with their use (docs/flow-control.md). */
  limits: () => call('GET', '/api/v1/limits'),
  /** PUT /api/v1/limits/{kind}/{name} (role admin): sets a limit, recorded in PostgreSQL. */
  setLimit: (kind, name, body) => call('PUT', `/api/v1/limits/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`, JSON.stringify(body)),
  /** DELETE /api/v1/limits/{kind}/{name} (role admin): removes a limit. */
  removeLimit: (kind, name) => call('DELETE', `/api/v1/limits/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`),
  schedules: () => call('GET', '/api/v1/schedules'),
  /** POST /api/v1/tasks with [{layer_id, type, ...}]; answers the tasks added. */
  addTasks: (json) => call('POST', '/api/v1/tasks', json),
  /** PATCH /api/v1/{action} with [{kind, id, etag?}]; answers the number updated. */
  act: async (action, refs) => (await call('PATCH', `/api/v1/${action}`, JSON.stringify(refs))).updated,
};
