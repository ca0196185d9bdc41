// The public HTTP API, and its errors turned into words.
import { h } from './dom.js';

const KEY_STORAGE = 'claimtracker.apiKey';

export const apiKey = {
  get() {
    try { return localStorage.getItem(KEY_STORAGE) || ''; } catch { return ''; }
  },
  set(key) {
    localStorage.setItem(KEY_STORAGE, key);
    document.dispatchEvent(new CustomEvent('apikeychange'));
  },
  clear() {
    localStorage.removeItem(KEY_STORAGE);
    document.dispatchEvent(new CustomEvent('apikeychange'));
  },
};

const CONSISTENCY = 'ClaimTracker-Consistency';
const CONSISTENCY_STORAGE = 'claimtracker.consistency';

/**
 * The consistency token of this tab's latest write ("cluster-WAL position"). Sent on every read, it makes a server
 * that has not replayed that write yet hand the read to one that has, so the page always shows its own changes.
 */
const consistency = {
  get() {
    try { return sessionStorage.getItem(CONSISTENCY_STORAGE) || ''; } catch { return ''; }
  },
  // Writes may answer out of order: keep the furthest position of the cluster (a new cluster replaces it).
  keep(token) {
    if (!token) return;
    const position = t => {
      const [cluster, lsn = ''] = t.split('-');
      const [high = '0', low = '0'] = lsn.split('/');
      return { cluster, value: BigInt(`0x${high}`) * 2n ** 32n + BigInt(`0x${low}`) };
    };
    const held = this.get();
    try {
      if (held) {
        const [a, b] = [position(held), position(token)];
        if (a.cluster === b.cluster && a.value >= b.value) return;
      }
      sessionStorage.setItem(CONSISTENCY_STORAGE, token);
    } catch { /* storage unavailable: reads are then only as fresh as the standby serving them */ }
  },
  clear() {
    try { sessionStorage.removeItem(CONSISTENCY_STORAGE); } catch { /* nothing kept */ }
  },
};

/** A failed request: the server's problem+json (or a stand-in when there was none). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
  }
}

/**
 * Calls the API. Resolves to { data, etag, status, headers }; rejects with ApiError for any non-2xx answer or
 * when the server cannot be reached.
 */
export async function api(path, { method = 'GET', body, ifMatch, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  const key = apiKey.get();
  // Reads are open, but a key is sent on writes only: a stale key must not break reading.
  if (method !== 'GET' && key) headers.Authorization = `Bearer ${key}`;
  const token = method === 'GET' ? consistency.get() : '';
  if (token) headers[CONSISTENCY] = token;

  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, {
      title: 'The server could not be reached.',
      detail: `${method} ${path} did not get an answer (${e.message}). Check that the app is running, then try again.`,
    });
  }
  if (method !== 'GET' && response.ok) consistency.keep(response.headers.get(CONSISTENCY));
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (token && response.status === 400 && data?.errors?.[CONSISTENCY]) {
    // A token this database cannot honour (its data was replaced since): forget it and read again without it.
    consistency.clear();
    return api(path, { method, body, ifMatch, signal });
  }
  if (!response.ok) {
    const problem = data && typeof data === 'object' && (data.title || data.detail)
      ? data
      : { title: `${response.status} ${response.statusText || 'Error'}`, detail: text ? text.slice(0, 500) : `${method} ${path} failed.` };
    throw new ApiError(response.status, problem);
  }
  return { data, etag: response.headers.get('ETag'), status: response.status, headers: response.headers };
}

export const get = async (path, options) => (await api(path, options)).data;

/** Every item of a keyset-paginated list, up to a cap (the page shows a note when the cap is hit). */
export async function getAll(path, { cap = 2000, signal } = {}) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < cap);
  return { items, truncated: Boolean(cursor) };
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach(x => search.append(k, x));
    else if (v !== '' && v !== null && v !== undefined) search.set(k, v);
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

const statusWords = {
  0: 'No answer',
  400: 'The request was refused',
  401: 'Not authorised',
  404: 'Not found',
  409: 'Already exists or conflicts',
  412: 'Changed meanwhile',
  413: 'Too large',
  415: 'Not JSON',
  422: 'Cannot be carried out',
  428: 'Version missing',
  503: 'Unavailable',
};

/**
 * The error in words: the problem's title, its detail (unless it only repeats the field errors), every field
 * error, and the request id to quote. `hint` adds what the user can do about it.
 */
export function problemView(error, { hint } = {}) {
  const status = error instanceof ApiError ? error.status : 0;
  const problem = error instanceof ApiError ? error.problem : { title: 'Something went wrong.', detail: String(error?.message || error) };
  const errors = problem.errors && typeof problem.errors === 'object' ? Object.entries(problem.errors) : [];
  const reasons = errors.flatMap(([, list]) => (Array.isArray(list) ? list : [list]));
  const detailRepeatsErrors = problem.detail && reasons.length > 0 && reasons.every(r => problem.detail.includes(r));
  const extraHint = hint || (status === 401
    ? 'Enter a valid curator key (button at the top right) and try again.'
    : status === 412 ? 'Someone changed it since you loaded it: reload, then apply your change again.' : null);

  return h('div', { class: 'problem', role: 'alert', dataset: { status } },
    h('p', { class: 'problem-title' },
      status ? h('span', { class: 'problem-status' }, `${status} · ${statusWords[status] || 'Error'}`) : null,
      h('strong', null, problem.title || 'The request failed.')),
    problem.detail && !detailRepeatsErrors ? h('p', { class: 'problem-detail' }, problem.detail) : null,
    errors.length
      ? h('ul', { class: 'problem-errors' },
        errors.map(([field, list]) => h('li', null,
          h('code', null, field === '$' ? 'request' : field), ': ',
          (Array.isArray(list) ? list : [list]).join(' '))))
      : null,
    extraHint ? h('p', { class: 'problem-hint' }, extraHint) : null,
    problem.requestId ? h('p', { class: 'problem-id' }, `Request id ${problem.requestId}`) : null);
}
