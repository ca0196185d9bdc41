// Suggestions in the reader: the figures, dates and attributions of the text that no claim states yet, marked in the
// text; a curator accepts one (a click or a key), edits it in place, dismisses it, or accepts a whole paragraph.
//
// Keys on a focused suggestion: Enter opens its card, A accepts it, E edits it, D dismisses it, P accepts every
// complete suggestion of its paragraph, N / Shift+N go to the next / previous suggestion; Escape closes the card.
import { api, get, problemView } from '../api.js';
import { append, fill, h } from '../dom.js';
import { clip, describeValue, num, plural } from '../format.js';
import { ensureKey } from '../key.js';

export const KEYS_HELP = 'Suggestions: Tab to a dashed mark, then A accepts it, E edits it, D dismisses it, P accepts its whole paragraph, N / Shift+N move to the next / previous one, Escape closes its card.';

const KIND_WORDS = { quantity: 'figure', date: 'date', attribution: 'attribution' };

/** The words of a proposed value: "about 2,500", "by September 2026", "“…”". */
export function proposedValue(s) {
  const v = s.value;
  if (!v) return 'no value read';
  if (v.kind === 'text') return `“${clip(v.text, 120)}”`;
  if (v.kind === 'time') return `${v.modifier && v.modifier !== 'on' ? `${v.modifier} ` : ''}${v.date}`;
  return v.statedAs || num(v.amount ?? v.lowerBound);
}

/** The suggestion in one line, for its mark's description. */
export function summary(s) {
  const parts = [`Suggested ${KIND_WORDS[s.kind]}`, s.subject?.name, s.property, proposedValue(s)].filter(Boolean);
  return `${parts.join(' · ')}${s.missing.length ? ` (needs ${s.missing.join(', ')})` : ''}`;
}

/**
 * The suggestions a reader draws: open ones whose figure, date or asserter overlaps no drawn passage (a passage mark
 * and a suggestion mark cannot share words without nesting two controls).
 */
export function drawable(suggestions, passages) {
  const spans = [...passages.values()];
  return suggestions.filter(s => s.state === 'open'
    && !spans.some(p => p.start < s.match.end && s.match.start < p.end));
}

/** The card of one suggestion, with its actions; `actions` are the reader's accept/edit/dismiss/paragraph callbacks. */
export function suggestionCard(s, actions, { paragraphCount }) {
  const preview = h('div', { class: 'sg-preview', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Checking what it would conflict or agree with…'));
  const card = h('section', { class: 'claim-card sg-card', 'aria-labelledby': `sg-title-${s.id}`, dataset: { suggestion: s.id } },
    h('h3', { id: `sg-title-${s.id}`, class: 'sg-title' }, `Suggested ${KIND_WORDS[s.kind]}`),
    h('blockquote', { class: 'panel-quote' }, s.passage.text),
    h('dl', { class: 'sg-fields' },
      field('Subject', s.subject ? s.subject.name : h('em', null, 'none found: edit to choose one')),
      field('Property', s.property || h('em', null, 'none found: edit to choose one')),
      field('Value', proposedValue(s)),
      field('Asserted by', s.asserter ? `${s.asserter.asWritten}${s.asserter.subject ? '' : s.asserter.anonymous ? ' (anonymous)' : ' (not a known subject)'}` : 'the source’s own voice'),
      s.validTime ? field('Valid at', s.validTime) : null,
      s.asserter?.statedOn ? field('Stated on', s.asserter.statedOn) : null,
      field('Confidence', `${Math.round(s.confidence * 100)}%`)),
    h('details', { class: 'sg-reason' }, h('summary', null, 'Why'), h('p', null, s.reason)),
    preview,
    h('div', { class: 'sg-actions' },
      h('button', { type: 'button', class: 'primary', disabled: s.missing.length > 0, onclick: () => actions.accept(s) }, 'Accept (A)'),
      h('button', { type: 'button', onclick: () => actions.edit(s) }, 'Edit (E)'),
      h('button', { type: 'button', onclick: () => actions.dismiss(s) }, 'Dismiss (D)'),
      paragraphCount > 1
        ? h('button', { type: 'button', onclick: () => actions.paragraph(s) }, `Accept all ${paragraphCount} of this paragraph (P)`)
        : null),
    h('div', { class: 'sg-problem' }));
  return { card, preview };
}

function field(label, value) {
  return [h('dt', null, label), h('dd', null, value)];
}

/** Fills the preview box with GET /sources/{id}/suggestions/{sid}'s preview. */
export async function loadPreview(sourceId, s, box, signal) {
  try {
    const one = await get(`/sources/${sourceId}/suggestions/${s.id}`, { signal });
    const p = one.preview;
    if (!p) {
      fill(box, h('p', { class: 'muted' }, s.missing.length ? `Needs ${s.missing.join(', ')} before it can be checked.` : 'Not checked.'));
      return;
    }
    fill(box,
      p.refused ? h('p', { class: 'sg-refused' }, `As it stands it would be refused: ${p.refused}`) : null,
      p.conflicts.length
        ? [h('p', { class: 'conflict-mark' }, `Would conflict with ${plural(p.conflicts.length, 'claim')}:`),
          h('ul', { class: 'plain-list' }, p.conflicts.map(c => h('li', null, `Claim ${c.claimId}: ${clip(c.text, 140)}`)))]
        : null,
      p.agrees.length
        ? [h('p', { class: 'agree-mark' }, `Agrees with ${plural(p.agrees.length, 'claim')}:`),
          h('ul', { class: 'plain-list' }, p.agrees.map(c => h('li', null, `Claim ${c.claimId}: ${clip(c.text, 140)}`)))]
        : null,
      !p.refused && !p.conflicts.length && !p.agrees.length ? h('p', { class: 'muted' }, 'No existing claim conflicts or agrees with it.') : null);
  } catch (e) {
    if (e.name === 'AbortError') return;
    fill(box, problemView(e));
  }
}

let properties = null;

/** The edit-in-place form: the proposed claim's main fields; resolves to the changes (a merge patch) or null. */
export async function editForm(s, container) {
  properties ??= get('/properties');
  const vocabulary = await properties;
  const list = Array.isArray(vocabulary) ? vocabulary : vocabulary.items || [];
  const v = s.value || {};
  const valueField = s.kind === 'attribution' ? 'text' : s.kind === 'date' ? 'date' : 'amount';
  const valueLabel = { text: 'What was said', date: 'Date (YYYY, YYYY-MM or YYYY-MM-DD)', amount: 'Amount' }[valueField];
  const ids = { subject: `sg-subject-${s.id}`, property: `sg-property-${s.id}`, value: `sg-value-${s.id}`, asserter: `sg-asserter-${s.id}`, valid: `sg-valid-${s.id}` };
  return new Promise(resolve => {
    const form = h('form', { class: 'sg-edit', 'aria-label': 'Edit the suggestion',
      onkeydown: e => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); resolve(null); } },
      onsubmit: e => {
        e.preventDefault();
        const data = new FormData(form);
        const changes = {};
        const subject = String(data.get('subject') || '').trim();
        if (subject && subject !== (s.subject?.name || '')) changes.subject = subject;
        const property = String(data.get('property') || '');
        if (property && property !== s.property) changes.property = property;
        const raw = String(data.get('value') || '').trim();
        const before = valueField === 'amount' ? String(v.amount ?? '') : String(v[valueField] ?? '');
        if (raw !== before) {
          changes.value = valueField === 'amount'
            ? { kind: 'quantity', amount: Number(raw.replace(/,/g, '')), statedAs: raw }
            : valueField === 'date' ? { kind: 'time', date: raw, modifier: v.modifier || 'on' } : { kind: 'text', text: raw };
        }
        const asserter = String(data.get('asserter') || '').trim();
        if (asserter !== (s.asserter?.subject?.name || '')) changes.assertedBy = asserter || null;
        const valid = String(data.get('valid') || '').trim();
        if (valid !== (s.validTime || '')) changes.validAt = valid || null;
        resolve(changes);
      } },
    h('label', { for: ids.subject }, 'Subject (a name or alias)'),
    h('input', { id: ids.subject, name: 'subject', value: s.subject?.name || '', autocomplete: 'off' }),
    h('label', { for: ids.property }, 'Property'),
    h('select', { id: ids.property, name: 'property' },
      h('option', { value: '' }, '—'),
      list.map(p => h('option', { value: p.key, selected: p.key === s.property }, `${p.label} (${p.key})`))),
    h('label', { for: ids.value }, valueLabel),
    valueField === 'text'
      ? h('textarea', { id: ids.value, name: 'value', rows: 3 }, v.text || '')
      : h('input', { id: ids.value, name: 'value', value: valueField === 'amount' ? String(v.amount ?? '') : v.date || '', autocomplete: 'off' }),
    h('label', { for: ids.asserter }, 'Asserted by (a subject; empty for the source’s own voice)'),
    h('input', { id: ids.asserter, name: 'asserter', value: s.asserter?.subject?.name || '', autocomplete: 'off' }),
    h('label', { for: ids.valid }, 'Valid at (YYYY, YYYY-MM or YYYY-MM-DD)'),
    h('input', { id: ids.valid, name: 'valid', value: s.validTime || '', autocomplete: 'off' }),
    h('div', { class: 'sg-actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Accept with these changes'),
      h('button', { type: 'button', onclick: () => resolve(null) }, 'Cancel')));
    fill(container, form);
    form.querySelector('input, select, textarea').focus();
  });
}

/** Accepts suggestions (with changes for one of them); resolves to the answer, or throws the ApiError. */
export async function accept(sourceId, items) {
  if (!(await ensureKey())) return null;
  const { data } = await api(`/sources/${sourceId}/suggestions/accept`, { method: 'POST', body: { suggestions: items } });
  return data;
}

export async function dismiss(sourceId, ids) {
  if (!(await ensureKey())) return null;
  const { data } = await api(`/sources/${sourceId}/suggestions/dismiss`, { method: 'POST', body: { suggestions: ids } });
  return data;
}

/** A problem shown in the card. */
export function showProblem(card, error) {
  fill(card.querySelector('.sg-problem'), problemView(error));
}

export { append };
