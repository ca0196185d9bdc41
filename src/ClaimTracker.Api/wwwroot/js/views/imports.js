// Bulk import from the page: pick or paste an NDJSON file and POST it to /import, all or nothing as the command line
// does, with a progress bar fed by the import's own progress (GET /import/{job}, read while the POST runs).
import { ApiError, apiKey, problemView } from '../api.js';
import { fill, h, link, pageUrl } from '../dom.js';
import { ensureKey } from '../key.js';
import { num, plural } from '../format.js';

const PHASES = {
  waiting: 'Sending…',
  reading: 'Reading and checking lines',
  writing: 'Writing the last rows',
  conflicts: 'Computing conflicts',
  committing: 'Committing',
  committed: 'Imported',
  refused: 'Refused: nothing was written',
  failed: 'Failed: nothing was written',
};

/** A job id the client chooses, so the import's progress can be asked for while its request runs. */
function jobId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `page-${[...bytes].map(b => b.toString(16).padStart(2, '0')).join('')}`;
}

async function send(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${apiKey.get()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/x-ndjson';
  const response = await fetch(path, { method, headers, body, signal });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data && (data.title || data.detail) ? data : { title: `${response.status} ${response.statusText}`, detail: text.slice(0, 500) });
  return data;
}

export async function render(main, params, { signal }) {
  document.title = 'Import · ClaimTracker';
  const file = h('input', { id: 'import-file', name: 'file', type: 'file', accept: '.ndjson,.jsonl,.json,application/x-ndjson' });
  const text = h('textarea', { id: 'import-text', name: 'text', rows: 10, spellcheck: 'false', placeholder: '{"type": "source", "ref": "s1", "title": "…", "body": "…", "language": "en"}' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'import-submit' }, 'Import');
  const bar = h('progress', { id: 'import-bar', max: 1, value: 0, 'aria-labelledby': 'import-phase' });
  const phase = h('span', { class: 'phase', id: 'import-phase' }, 'Not started');
  const counts = h('span', { class: 'counts', id: 'import-counts' });
  const progress = h('div', { class: 'import-progress', hidden: true },
    h('p', { role: 'status', 'aria-live': 'polite' }, phase, ' ', counts), bar);
  const result = h('div', { class: 'import-result', id: 'import-result' });

  const form = h('form', { class: 'import-form', novalidate: true, onsubmit: event => {
    event.preventDefault();
    run().catch(e => { if (e.name !== 'AbortError') fill(result, problemView(e)); });
  } },
  h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'An NDJSON file'), file,
    h('p', { class: 'hint' }, 'One JSON object per line: subjects, sources, passages and claims, each with its "type".')),
  h('div', { class: 'field' }, h('label', { for: 'import-text' }, 'Or paste its lines'), text),
  h('div', { class: 'action-row' }, submit));

  fill(main,
    h('h1', null, 'Import'),
    h('p', { class: 'lede' }, 'Bulk import, all or nothing: every line is checked by the rules of its single-item endpoint, and one rejected line means nothing is written. ',
      'The same as ', h('code', null, 'dotnet run --project src/ClaimTracker.Api -- import FILE'), '. Lines refer to earlier ones by their "ref".'),
    form, progress, result);

  const show = p => {
    phase.dataset.phase = p.phase;
    fill(phase, PHASES[p.phase] || p.phase);
    fill(counts, p.phase === 'waiting' ? '' : `${plural(p.lines, 'line')} read, ${plural(p.claims, 'claim')}${p.seconds ? `, ${p.seconds.toFixed(1)} s` : ''}`);
    const total = p.totalBytes || 0;
    if (total > 0) {
      bar.max = total;
      bar.value = Math.min(p.bytesRead, total);
      bar.setAttribute('aria-valuetext', `${Math.round((100 * bar.value) / total)}% read`);
    }
  };

  async function run() {
    fill(result);
    const body = file.files?.[0] ?? (text.value.trim() ? new Blob([text.value], { type: 'application/x-ndjson' }) : null);
    if (!body) {
      fill(result, h('p', { class: 'problem', role: 'alert' }, 'Pick a file or paste its lines first.'));
      return;
    }
    if (!(await ensureKey())) {
      fill(result, h('p', { class: 'problem', role: 'alert' }, 'A curator key is needed to import.'));
      return;
    }
    const job = jobId();
    progress.hidden = false;
    submit.disabled = true;
    show({ phase: 'waiting', lines: 0, claims: 0, bytesRead: 0, totalBytes: body.size });
    let done = false;
    // The import's own progress, read while the POST is under way (404 until the server has started it).
    const poll = (async () => {
      while (!done && !signal.aborted) {
        try { show(await send(`/import/${job}`, { signal })); } catch (e) { if (e.name === 'AbortError') return; }
        await new Promise(r => setTimeout(r, 250));
      }
    })();
    try {
      const report = await send(`/import?job=${job}`, { method: 'POST', body, signal });
      done = true;
      await poll;
      show(await send(`/import/${job}`, { signal }));
      const n = report.imported;
      fill(result, h('div', { class: 'flash flash-ok', role: 'status' },
        h('p', null, h('strong', null, `Imported ${plural(report.lines, 'line')} in ${report.seconds.toFixed(1)} s.`)),
        h('p', null, `${plural(n.subjects, 'subject')}, ${plural(n.sources, 'source')}, ${plural(n.passages, 'passage')}, `,
          `${plural(n.claims, 'claim')} (${plural(n.evidence, 'evidence link')}), ${plural(report.conflictsOpened, 'conflict')} opened.`),
        h('p', null, link(pageUrl({ view: 'claims' }), null, 'See the claims'), ' · ', link(pageUrl({ view: 'conflicts' }), null, 'the conflicts'))));
    } catch (e) {
      done = true;
      await poll;
      try { show(await send(`/import/${job}`, { signal })); } catch { /* the import never started: the problem says why */ }
      if (e.name === 'AbortError') throw e;
      const rejected = e.problem?.rejected;
      fill(result, problemView(e, { hint: rejected ? `Fix the ${plural(e.problem.rejectedCount, 'rejected line')} and import the file again.` : undefined }),
        rejected ? h('p', { class: 'hint' }, `${num(e.problem.lines)} lines were checked.`) : null);
    } finally {
      submit.disabled = false;
    }
  }
}
