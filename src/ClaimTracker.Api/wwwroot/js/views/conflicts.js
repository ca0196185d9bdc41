// The conflicts board: both claims of each conflict side by side, with their passages, sources and dates; a
// curator acknowledges or resolves (PATCH /conflicts/{id} with If-Match "v{version}").
import { api, get, problemView } from '../api.js';
import { append, fill, h, link, pageUrl, uid } from '../dom.js';
import { badge, certaintyBadge, conflictUrl, loadingBlock, passageQuote, rankBadge, readerUrl, statusBadge, valueBlock } from '../components.js';
import { asOfText, day, partialDate, plural, ruleWords, scopeWords, validTimeText } from '../format.js';
import { ensureKey } from '../key.js';

const TABS = [
  ['open', 'Open'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
  ['closed', 'Closed by themselves'],
];

// How sure the conflicts shown must be (GET /conflicts?certainty=); the first shows both.
const CERTAINTIES = [
  ['', 'Certain and possible'],
  ['certain', 'Certain only'],
  ['possible', 'Possible only'],
];

export async function render(main, params, { signal }) {
  const single = Number(params.get('conflict')) || null;
  const status = params.get('status') || 'open';
  const certainty = CERTAINTIES.some(([key]) => key && key === params.get('certainty')) ? params.get('certainty') : '';
  document.title = single ? `Conflict ${single} · ClaimTracker` : 'Conflicts · ClaimTracker';

  const list = h('div', { class: 'conflict-list' }, loadingBlock('Loading conflicts…'));
  fill(main,
    h('div', { class: 'board-head' },
      h('h1', null, single ? `Conflict ${single}` : 'Where reports disagree'),
      h('p', { class: 'lede' }, 'Two claims conflict when their values cannot both be true. Each is shown with the passage that states it. ',
        'Acknowledge a conflict while you look into it; resolve it with a note, and optionally say which claim is better supported.')),
    h('nav', { class: 'tabs', 'aria-label': 'Conflict status' },
      TABS.map(([key, label]) => link(pageUrl({ view: 'conflicts', status: key === 'open' ? undefined : key, certainty: single ? undefined : certainty }),
        { class: 'tab', 'aria-current': !single && key === status ? 'page' : null }, label))),
    single ? null : certaintyFilter(status, certainty),
    list);

  if (single) {
    const conflict = await get(`/conflicts/${single}`, { signal });
    fill(list, conflictView(conflict), h('p', null, link(pageUrl({ view: 'conflicts' }), null, '← All open conflicts')));
    return;
  }
  const page = await get(`/conflicts?status=${encodeURIComponent(status)}${certainty ? `&certainty=${certainty}` : ''}&limit=100`, { signal });
  const summary = h('p', { class: 'result-summary', id: 'conflicts-count' });
  const kind = [certainty, status].filter(Boolean).join(' ');
  const describe = (count, more) => fill(summary, count === 0
    ? `No ${kind} conflicts.`
    : `${plural(count, `${kind} conflict`)}${more ? ' (the first 100)' : ''}, newest first.`);
  describe(page.items.length, page.nextCursor);
  const announcer = h('p', { class: 'live-status', role: 'status', 'aria-live': 'polite' });
  const items = h('div', { class: 'conflict-items' }, page.items.map(conflictView));
  fill(list, summary, announcer, items);
  if (status === 'open') watch(items, announcer, describe, certainty, signal);
}

/**
 * Keeps the open board current: the change stream (server-sent events) says when a conflict opens, and the board
 * reads the open conflicts again and puts the new ones on top. It also reads them once the stream is open, for any
 * that opened between the first read and the stream. The stream closes when the view is left.
 */
function watch(items, announcer, describe, certainty, signal) {
  if (typeof EventSource !== 'function' || signal.aborted) return;
  const source = new EventSource('/changes/stream');
  signal.addEventListener('abort', () => source.close());
  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    // Several conflicts opened by one write arrive together: one read for them all.
    pending = setTimeout(async () => {
      if (signal.aborted) return;
      let page;
      try {
        // The board's own filter: a conflict the board would not list is not added to it.
        page = await get(`/conflicts?status=open${certainty ? `&certainty=${certainty}` : ''}&limit=100`, { signal });
      } catch {
        return;
      }
      const shown = new Set([...items.querySelectorAll('article.conflict')].map(a => a.dataset.conflictId));
      const added = page.items.filter(c => !shown.has(String(c.id)));
      if (added.length === 0) return;
      // Newest first, as the board lists them.
      for (const conflict of [...added].reverse()) {
        const view = conflictView(conflict);
        view.classList.add('is-new');
        view.querySelector('.conflict-meta')?.prepend(h('span', { class: 'badge badge-new' }, 'new'), ' ');
        items.prepend(view);
      }
      describe(items.querySelectorAll('article.conflict').length, page.nextCursor);
      const [first] = added;
      fill(announcer, added.length === 1
        ? `A conflict opened: ${first.claims[0].subject.name} · ${first.claims[0].property.label}.`
        : `${added.length} conflicts opened.`);
    }, 250);
  };
  source.addEventListener('open', refresh);
  source.addEventListener('conflict', refresh);
}

/**
 * Certainty as a row of links, like the status tabs: each is a URL of its own, reached with Tab and followed with
 * Enter, and the one in force is marked current.
 */
function certaintyFilter(status, certainty) {
  return h('nav', { class: 'certainty-filter', 'aria-labelledby': 'certainty-filter-label' },
    h('span', { class: 'filter-label', id: 'certainty-filter-label' }, 'Certainty'),
    h('ul', { class: 'plain-list segmented' }, CERTAINTIES.map(([key, label]) => h('li', null,
      link(pageUrl({ view: 'conflicts', status: status === 'open' ? undefined : status, certainty: key || undefined }),
        { class: 'segment', dataset: { certainty: key || 'any' }, 'aria-current': key === certainty ? 'page' : null }, label)))),
    h('p', { class: 'hint' }, 'Certain: the two cannot both be true. Possible: they may not be about the same moment, or a hedge leaves room.'));
}

function whoSays(claim) {
  if (claim.assertedBy) return claim.assertedBy.name;
  const outlet = claim.evidence[0]?.source.outlet;
  return outlet ? `${outlet}, in its own voice` : 'the source, in its own voice';
}

function sideView(claim, letter, conflict) {
  const preferred = conflict.preferredClaimId === claim.id;
  return h('section', { class: ['side', `side-${letter.toLowerCase()}`, preferred && 'is-preferred'], 'aria-label': `Claim ${letter}: ${whoSays(claim)}` },
    h('p', { class: 'side-letter' }, h('span', { class: 'letter' }, letter), h('span', { class: 'side-who' }, whoSays(claim))),
    valueBlock(claim),
    claim.evidence.map(e => h('div', { class: 'side-evidence' },
      passageQuote(e, { className: e.stance === 'refutes' ? 'refutes' : '' }),
      h('p', { class: 'side-source' },
        link(readerUrl(e.source.id, { passage: e.passageId, claim: claim.id }), { class: 'source-title' }, e.source.title),
        h('span', { class: 'source-meta' }, [e.source.outlet, e.source.published && `published ${partialDate(e.source.published)}`].filter(Boolean).join(' · '))))),
    h('dl', { class: 'facts compact' },
      h('dt', null, 'Said'), h('dd', { class: 'said' }, claim.statedOn ? partialDate(claim.statedOn) : 'as of its report'),
      h('dt', null, 'Holds'), h('dd', { class: 'holds' }, validTimeText(claim)),
      h('dt', null, 'As of'), h('dd', { class: 'as-of' }, asOfText(claim.asOf)),
      h('dt', null, 'Claim'), h('dd', null, `${claim.id} · `, statusBadge(claim.status), ' ', rankBadge(claim.rank) || badge(claim.rank, 'rank-normal'))));
}

export function conflictView(conflict) {
  const box = h('article', { class: ['conflict', `conflict-${conflict.status}`], id: `conflict-${conflict.id}`, dataset: { conflictId: conflict.id, version: conflict.version },
    'aria-labelledby': `conflict-${conflict.id}-title` });
  const draw = current => {
    const [ca, cb] = current.claims;
    box.setAttribute('class', `conflict conflict-${current.status}`);
    box.dataset.version = current.version;
    fill(box,
      h('header', { class: 'conflict-head' },
        h('h2', { id: `conflict-${current.id}-title` },
          link(conflictUrl(current.id), null, `${ca.subject.name} · ${ca.property.label}`)),
        h('p', { class: 'conflict-meta' },
          badge(current.status, `conflict-${current.status}`), ' ',
          `Conflict ${current.id} · ${ruleWords[current.rule] || current.rule} · ${scopeWords[current.scope] || current.scope} · opened ${day(current.createdAt)}`)),
      h('p', { class: ['conflict-certainty', `certainty-${current.certainty || 'certain'}`] },
        certaintyBadge(current.certainty), ' ',
        h('span', { class: 'certainty-reason' }, current.certainty === 'possible'
          ? `Possible, not certain: ${current.certaintyReason || 'the rule leaves room for both.'}`
          : 'The two cannot both be true.')),
      h('p', { class: 'explanation' }, current.explanation),
      h('div', { class: 'sides' }, sideView(ca, 'A', current), h('div', { class: 'versus', 'aria-hidden': 'true' }, h('span', null, 'vs')), sideView(cb, 'B', current)),
      current.note || current.closedReason
        ? h('p', { class: 'conflict-note' },
          current.closedReason ? [h('strong', null, 'Closed: '), current.closedReason, ' '] : null,
          current.note ? [h('strong', null, 'Curator’s note: '), current.note] : null,
          current.updatedBy ? h('span', { class: 'muted' }, ` (${current.updatedBy}, ${day(current.updatedAt)})`) : null)
        : null,
      current.status === 'closed' ? null : actions(current, draw));
  };
  draw(conflict);
  return box;
}

/** The curator's form: a note, an optional preferred claim, acknowledge or resolve. */
function actions(conflict, redraw) {
  const [a, b] = conflict.claims;
  const noteId = uid('note');
  const note = h('textarea', { id: noteId, name: 'note', rows: 2, placeholder: 'How was it settled? Which report is better supported, and why?' }, conflict.note || '');
  const group = uid('prefer');
  const radio = (value, label, checked) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: group, value, checked }), ` ${label}`);
  const prefer = h('fieldset', { class: 'prefer' },
    h('legend', null, 'Better supported (optional)'),
    radio('', 'neither / not judged', !conflict.preferredClaimId),
    radio(String(a.id), `A: ${whoSays(a)}`, conflict.preferredClaimId === a.id),
    radio(String(b.id), `B: ${whoSays(b)}`, conflict.preferredClaimId === b.id));
  const problemBox = h('div', { class: 'form-problem' });
  const buttons = [];
  const send = async status => {
    fill(problemBox);
    note.removeAttribute('aria-invalid');
    if (!(await ensureKey())) {
      fill(problemBox, h('p', { class: 'problem', role: 'alert' }, 'A curator key is needed to change a conflict.'));
      return;
    }
    const chosen = prefer.querySelector('input:checked')?.value;
    const body = { status, note: note.value.trim() || null };
    if (chosen) body.preferredClaimId = Number(chosen);
    buttons.forEach(x => { x.disabled = true; });
    try {
      const { data } = await api(`/conflicts/${conflict.id}`, { method: 'PATCH', body, ifMatch: `"v${conflict.version}"` });
      redraw(data);
      const box = document.getElementById(`conflict-${data.id}`);
      append(box, h('p', { class: 'flash flash-ok', role: 'status' },
        status === 'resolved' ? `Resolved. ${data.preferredClaimId ? `Claim ${data.preferredClaimId} is now preferred.` : ''}` : 'Acknowledged.'));
    } catch (e) {
      fill(problemBox, problemView(e));
      if (e.problem?.errors?.note) {
        note.setAttribute('aria-invalid', 'true');
        note.focus();
      }
      if (e.status === 412) {
        append(problemBox, h('button', { type: 'button', onclick: async () => redraw(await get(`/conflicts/${conflict.id}`)) }, 'Reload this conflict'));
      }
    } finally {
      buttons.forEach(x => { x.disabled = false; });
    }
  };
  if (conflict.status !== 'acknowledged' && conflict.status !== 'resolved') {
    buttons.push(h('button', { type: 'button', class: 'acknowledge', onclick: () => send('acknowledged') }, 'Acknowledge'));
  }
  buttons.push(h('button', { type: 'button', class: 'primary resolve', onclick: () => send('resolved') }, conflict.status === 'resolved' ? 'Update resolution' : 'Resolve'));
  if (conflict.status !== 'open') {
    buttons.push(h('button', { type: 'button', class: 'reopen', onclick: () => send('open') }, 'Reopen'));
  }

  return h('form', { class: 'conflict-actions', onsubmit: e => e.preventDefault(), 'aria-label': `Settle conflict ${conflict.id}` },
    h('div', { class: 'field' }, h('label', { for: noteId }, 'Note (needed to resolve)'), note),
    prefer,
    h('div', { class: 'action-row' }, buttons),
    problemBox);
}
