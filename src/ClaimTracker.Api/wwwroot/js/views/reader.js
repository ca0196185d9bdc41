// The reader: a source's exact text with every passage highlighted; a highlight opens its claim card.
import { api, apiKey, get, getAll, problemView } from '../api.js';
import { append, fill, h, link } from '../dom.js';
import { claimCard, conflictUrl, loadingBlock, readerUrl } from '../components.js';
import { clip, describeValue, num, partialDate, plural } from '../format.js';
import { CodePointText, segments, textOffset } from '../text.js';
import { openClaimForm } from './claimform.js';
import { openSourceForm } from './sourceform.js';
import { ensureKey } from '../key.js';
import * as suggestions from './suggestions.js';

/** A message to show once after the next render (set before re-rendering the view after a write). */
let flash = null;
/** The suggestion to focus after the next render (the one after a suggestion just decided). */
let focusSuggestion = null;

export async function render(main, params, { signal, navigate, replaceUrl }) {
  document.title = 'Reader · ClaimTracker';
  fill(main, loadingBlock('Loading the article…'));

  const sources = (await getAll('/sources', { signal })).items;
  if (sources.length === 0) {
    fill(main,
      h('h1', null, 'Reader'),
      h('p', null, 'There are no sources yet.'),
      h('button', { type: 'button', class: 'primary', onclick: () => addSource(navigate) }, 'Add a source'));
    return;
  }
  const sourceId = Number(params.get('source')) || sources[0].id;
  if (!params.get('source')) replaceUrl(readerUrl(sourceId));

  // Curators (a key is set) see the open suggestions of the text; readers see the claims only.
  const [source, passages, claims, proposed, copies] = await Promise.all([
    get(`/sources/${sourceId}`, { signal }),
    getAll(`/sources/${sourceId}/passages`, { signal }),
    getAll(`/claims?source=${sourceId}`, { signal }),
    apiKey.get() ? get(`/sources/${sourceId}/suggestions?state=open`, { signal }).catch(e => { if (e.name === 'AbortError') throw e; return null; }) : null,
    get(`/sources/${sourceId}/copies`, { signal }).catch(e => { if (e.name === 'AbortError') throw e; return null; }),
  ]);
  document.title = `${source.title} · Reader · ClaimTracker`;

  const state = new ReaderState(source, passages.items, claims.items, proposed);
  state.copies = (copies?.items ?? []).filter(c => c.state === 'open');
  const view = new ReaderView(main, state, { sources, navigate, replaceUrl, signal });
  view.draw();
  view.focusAfterDecision();

  const wantedPassage = Number(params.get('passage')) || state.passageOfClaim(Number(params.get('claim')));
  if (wantedPassage && state.passages.has(wantedPassage)) {
    await view.open(wantedPassage, { scroll: true, claimId: Number(params.get('claim')) || null });
  }
}

function addSource(navigate) {
  openSourceForm().then(created => {
    if (created) {
      flash = { kind: 'ok', text: `Added “${created.title}”. Select words in the text to anchor a claim.` };
      navigate(readerUrl(created.id));
    }
  });
}

/** The article's passages and claims, indexed both ways. */
class ReaderState {
  constructor(source, passages, claims, proposed) {
    this.source = source;
    /** The open proposals of wire copies (GET /sources/{id}/copies), set by the loader. */
    this.copies = [];
    this.text = new CodePointText(source.body);
    // Offsets belong to a revision of the text: a passage is drawn where it stands in the revision shown
    // (after a correction, where it was followed to: exact, moved or fuzzy); an orphan has no place in it, and an
    // ambiguous passage has several that are too close to call.
    const here = p => p.currentRevision === source.revision.number && p.current
      ? { ...p, start: p.current.start, end: p.current.end, exact: p.current.exact }
      : null;
    const unplaced = state => passages.filter(p => p.state === state && p.currentRevision === source.revision.number);
    this.orphaned = unplaced('orphaned');
    this.ambiguous = unplaced('ambiguous');
    this.stale = passages.filter(p => !here(p) && !this.orphaned.includes(p) && !this.ambiguous.includes(p));
    this.passages = new Map(passages.map(here).filter(Boolean).map(p => [p.id, p]));
    this.claims = new Map(claims.map(c => [c.id, c]));
    this.claimsByPassage = new Map();
    for (const claim of claims) {
      for (const e of claim.evidence) {
        if (e.source.id !== source.id) continue;
        if (!this.claimsByPassage.has(e.passageId)) this.claimsByPassage.set(e.passageId, []);
        const list = this.claimsByPassage.get(e.passageId);
        if (!list.includes(claim)) list.push(claim);
      }
    }
    this.details = new Map();
    // Suggestions of another revision than the one shown cannot be drawn on its text.
    const open = proposed && proposed.revision === source.revision.number ? proposed.items : [];
    // One mark per suggestion: one whose words overlap those of a suggestion before it is left to the API's list.
    this.suggestions = suggestions.drawable(open, this.passages).sort((a, b) => a.match.start - b.match.start || b.match.end - a.match.end)
      .filter((x, i, all) => !all.slice(0, i).some(y => y.match.start < x.match.end && x.match.start < y.match.end));
    this.suggestionById = new Map(this.suggestions.map(x => [x.id, x]));
  }

  paragraphOf(s) {
    return this.suggestions.filter(x => x.paragraph === s.paragraph && x.missing.length === 0);
  }

  claimsOf(passageId) {
    return this.claimsByPassage.get(passageId) || [];
  }

  passageOfClaim(claimId) {
    const claim = this.claims.get(claimId);
    return claim?.evidence.find(e => e.source.id === this.source.id)?.passageId || null;
  }

  inOpenConflict(passageId) {
    return this.claimsOf(passageId).some(c => c.conflicts.some(x => x.status === 'open' || x.status === 'acknowledged'));
  }

  async detail(claimId, signal) {
    if (!this.details.has(claimId)) this.details.set(claimId, get(`/claims/${claimId}`, { signal }));
    return this.details.get(claimId);
  }
}

class ReaderView {
  constructor(main, state, { sources, navigate, replaceUrl, signal }) {
    Object.assign(this, { main, state, sources, navigate, replaceUrl, signal });
    this.selected = null;
  }

  draw() {
    const { source } = this.state;
    const claimCount = this.state.claims.size;
    const conflicted = [...this.state.claims.values()].filter(c => c.conflicts.some(x => x.status === 'open' || x.status === 'acknowledged')).length;

    this.textEl = h('div', { class: 'article-text', lang: source.language, id: 'article-text' });
    this.drawText();

    this.aside = h('aside', { class: 'reader-aside', 'aria-label': 'Claim card', 'aria-live': 'polite', id: 'claim-panel',
      onkeydown: e => { if (e.key === 'Escape' && this.selected !== null) this.close(); } });
    this.drawIndex();

    this.selectionBar = h('div', { class: 'selection-bar', hidden: true, role: 'region', 'aria-label': 'Selected text' });

    const picker = h('select', { id: 'source-picker', 'aria-label': 'Source',
      onchange: e => this.navigate(readerUrl(e.target.value)) },
    this.sources.map(s => h('option', { value: s.id, selected: s.id === source.id },
      `${s.title}${s.published ? ` (${partialDate(s.published)})` : ''}`)));

    fill(this.main,
      h('div', { class: 'reader-toolbar' },
        h('label', { for: 'source-picker', class: 'toolbar-label' }, 'Article'),
        picker,
        h('button', { type: 'button', onclick: () => addSource(this.navigate) }, '+ Add source')),
      flash ? flashView(flash) : null,
      h('div', { class: 'reader-layout' },
        h('article', { class: 'reader-article', 'aria-labelledby': 'article-title' },
          h('header', { class: 'article-head' },
            h('p', { class: 'kicker' },
              [source.outlet, source.published && partialDate(source.published), source.authors.length && `by ${source.authors.join(', ')}`]
                .filter(Boolean).join(' · ')),
            h('h1', { id: 'article-title' }, source.title),
            source.subtitle ? h('p', { class: 'dek' }, source.subtitle) : null,
            source.republishes ? republishesLine(source.republishes) : null,
            this.state.copies.length ? this.copiesBlock() : null,
            h('p', { class: 'legend' },
              h('span', { class: 'legend-item' }, h('mark', { class: 'hl sample' }, 'claim'), ` ${plural(claimCount, 'claim')}`),
              h('span', { class: 'legend-item' }, h('mark', { class: 'hl hl-conflict sample' }, 'in conflict'), ` ${num(conflicted)} in an open conflict`),
              h('span', { class: 'legend-item' }, h('mark', { class: 'hl hl-bare sample' }, 'passage'), ' passage without a claim'),
              this.state.suggestions.length
                ? h('span', { class: 'legend-item' }, h('mark', { class: 'sg-legend sample' }, 'suggestion'), ` ${plural(this.state.suggestions.length, 'suggestion')} to curate`)
                : null),
            h('p', { class: 'hint' }, 'Select a highlight (or Tab to it and press Enter) to see its claim. ',
              'Curators: select words in the text to anchor a new passage and claim.'),
            this.state.suggestions.length ? h('p', { class: 'hint', id: 'suggestion-keys' }, suggestions.KEYS_HELP) : null,
            source.revision.number > 1
              ? h('p', { class: 'revision-note' },
                  `Revision ${source.revision.number} of this text (corrected). `,
                  ...this.revisionSummary())
              : null,
            this.state.stale.length
              ? h('p', { class: 'hint' }, `${plural(this.state.stale.length, 'passage')} anchored in an earlier revision of the text ${this.state.stale.length === 1 ? 'is' : 'are'} not drawn.`)
              : null,
            this.state.orphaned.length
              ? h('div', { class: 'orphans' },
                  h('p', { class: 'hint' }, `${plural(this.state.orphaned.length, 'passage')} could not be found in this revision (orphaned, needs review):`),
                  h('ul', {}, ...this.state.orphaned.map(p => h('li', {}, clip(p.exact, 160)))))
              : null,
            this.state.ambiguous.length
              ? h('div', { class: 'ambiguous-passages' },
                  h('p', { class: 'hint' }, `${plural(this.state.ambiguous.length, 'passage')} could not be placed with certainty in this revision (ambiguous, needs review):`),
                  h('ul', {}, ...this.state.ambiguous.map(p => h('li', {}, clip(p.exact, 160)))))
              : null),
          this.textEl,
          this.selectionBar),
        this.aside));
    flash = null;

    // Text selection, for curators: watch selections that fall inside the article text.
    const onSelection = () => this.updateSelectionBar();
    document.addEventListener('selectionchange', onSelection);
    this.signal.addEventListener('abort', () => document.removeEventListener('selectionchange', onSelection));
  }

  /** How the passages fared in the revision shown: counts per state, the doubtful ones named. */
  revisionSummary() {
    const counts = {};
    for (const p of [...this.state.passages.values(), ...this.state.orphaned, ...this.state.ambiguous]) counts[p.state] = (counts[p.state] ?? 0) + 1;
    const words = ['exact', 'moved', 'fuzzy', 'orphaned', 'ambiguous'].filter(s => counts[s]).map(s => `${counts[s]} ${s}`);
    const review = (counts.fuzzy ?? 0) + (counts.orphaned ?? 0) + (counts.ambiguous ?? 0);
    return [`Passages: ${words.join(', ') || 'none'}.`, review ? ` ${plural(review, 'passage')} need${review === 1 ? 's' : ''} review.` : ''];
  }

  drawText() {
    const spans = [...this.state.passages.values()]
      .map(p => ({ id: p.id, start: p.start, end: p.end }))
      .concat(this.state.suggestions.map(s => ({ id: s.id, start: s.match.start, end: s.match.end, suggestion: true })))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const parts = segments(this.state.text, spans).map(seg => {
      const proposed = seg.covering.find(s => s.suggestion);
      seg.covering = seg.covering.filter(s => !s.suggestion);
      seg.starting = seg.starting.filter(s => !s.suggestion);
      if (seg.covering.length === 0 && proposed) return this.suggestionMark(seg, this.state.suggestionById.get(proposed.id));
      if (seg.covering.length === 0) return seg.text;
      const ids = seg.covering.map(s => s.id);
      const withClaims = ids.some(id => this.state.claimsOf(id).length > 0);
      const conflict = ids.some(id => this.state.inOpenConflict(id));
      const starts = seg.starting.length > 0;
      const claims = ids.flatMap(id => this.state.claimsOf(id));
      const fuzzy = ids.some(id => this.state.passages.get(id)?.state === 'fuzzy');
      return h('mark', {
        class: ['hl', !withClaims && 'hl-bare', conflict && 'hl-conflict', ids.length > 1 && 'hl-overlap', fuzzy && 'hl-fuzzy'],
        title: fuzzy ? 'Fuzzy: the corrected text only nearly matches this passage; it needs review' : null,
        dataset: { passages: ids.join(' '), start: seg.start, end: seg.end },
        // One tab stop per passage, at its first segment.
        tabindex: starts ? '0' : null,
        role: starts ? 'button' : null,
        'aria-pressed': starts ? 'false' : null,
        // Named by its own words (what a sighted user reads); what it claims is its description.
        'aria-description': starts
          ? `${claims.length ? claims.map(c => describeValue(c.value).main).join('; ') : 'passage without a claim'}${conflict ? ' (in conflict)' : ''}`
          : null,
        title: claims.length ? `${plural(claims.length, 'claim')}${conflict ? ', in conflict' : ''}` : 'passage without a claim',
      }, seg.text);
    });
    fill(this.textEl, parts);

    this.textEl.addEventListener('click', e => {
      const proposed = e.target.closest('mark.sg');
      if (proposed) {
        this.openSuggestion(this.state.suggestionById.get(proposed.dataset.suggestion));
        return;
      }
      const mark = e.target.closest('mark.hl');
      if (!mark) return;
      // A click that ends a text selection is the curator selecting words, not opening a card.
      const sel = document.getSelection();
      if (sel && !sel.isCollapsed && this.textEl.contains(sel.anchorNode)) return;
      this.openMark(mark);
    });
    this.textEl.addEventListener('keydown', e => {
      if (e.key === 'Escape' && this.selected !== null) {
        this.close();
        return;
      }
      const proposed = e.target.closest('mark.sg');
      if (proposed) {
        this.suggestionKey(e, this.state.suggestionById.get(proposed.dataset.suggestion));
        return;
      }
      const mark = e.target.closest('mark.hl[tabindex]');
      if (!mark || (e.key !== 'Enter' && e.key !== ' ')) return;
      e.preventDefault();
      this.openMark(mark);
    });
  }

  /** A suggestion's mark: its figure, date or asserter, one tab stop, described by what it proposes. */
  suggestionMark(seg, s) {
    return h('mark', {
      class: ['sg', `sg-${s.kind}`, s.missing.length && 'sg-incomplete'],
      dataset: { suggestion: s.id, start: seg.start, end: seg.end },
      tabindex: '0',
      role: 'button',
      'aria-pressed': 'false',
      'aria-description': suggestions.summary(s),
      'aria-keyshortcuts': 'A E D P N Shift+N',
      title: suggestions.summary(s),
    }, seg.text);
  }

  suggestionMarkOf(s) {
    return s ? this.textEl.querySelector(`mark.sg[data-suggestion="${s.id}"]`) : null;
  }

  /** The suggestion after (or, with step -1, before) this one in the text. */
  neighbour(s, step = 1) {
    const list = this.state.suggestions;
    const i = list.indexOf(s);
    return list[i + step] || null;
  }

  suggestionKey(e, s) {
    if (!s || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.toLowerCase();
    const act = {
      enter: () => this.openSuggestion(s),
      ' ': () => this.openSuggestion(s),
      a: () => this.acceptSuggestions([s]),
      e: () => this.editSuggestion(s),
      d: () => this.dismissSuggestion(s),
      p: () => this.acceptSuggestions(this.state.paragraphOf(s), s),
      n: () => { const next = this.neighbour(s, e.shiftKey ? -1 : 1); if (next) this.suggestionMarkOf(next)?.focus(); },
    }[key];
    if (!act) return;
    e.preventDefault();
    act();
  }

  /** After a decision the view is drawn again; the focus goes to the suggestion that followed the decided one. */
  focusAfterDecision() {
    if (!focusSuggestion) return;
    const wanted = focusSuggestion;
    focusSuggestion = null;
    const target = this.state.suggestionById.get(wanted.next) || this.state.suggestions.find(x => x.match.start >= wanted.at) || this.state.suggestions.at(-1);
    const mark = this.suggestionMarkOf(target);
    if (mark) mark.focus({ preventScroll: false });
    else document.getElementById('article-title')?.focus?.();
  }

  openSuggestion(s, { focusCard = false } = {}) {
    if (!s) return null;
    this.selected = s.id;
    for (const m of this.textEl.querySelectorAll('mark.is-selected')) {
      m.classList.remove('is-selected');
      if (m.hasAttribute('aria-pressed')) m.setAttribute('aria-pressed', 'false');
    }
    const mark = this.suggestionMarkOf(s);
    mark?.classList.add('is-selected');
    mark?.setAttribute('aria-pressed', 'true');
    this.aside.classList.add('has-card');
    this.main.querySelector('.reader-layout').classList.add('card-open');
    const { card, preview } = suggestions.suggestionCard(s, {
      accept: x => this.acceptSuggestions([x]),
      edit: x => this.editSuggestion(x),
      dismiss: x => this.dismissSuggestion(x),
      paragraph: x => this.acceptSuggestions(this.state.paragraphOf(x), x),
    }, { paragraphCount: this.state.paragraphOf(s).length });
    fill(this.aside,
      h('div', { class: 'panel-head' },
        h('h2', null, 'Suggestion'),
        h('button', { type: 'button', class: 'close-button', 'aria-label': 'Close the suggestion card', onclick: () => this.close() }, '×')),
      card);
    suggestions.loadPreview(this.state.source.id, s, preview, this.signal);
    if (focusCard) card.querySelector('button')?.focus();
    return card;
  }

  async editSuggestion(s) {
    const card = this.selected === s.id ? this.aside.querySelector('.sg-card') : this.openSuggestion(s);
    const box = h('div', { class: 'sg-edit-box' });
    card.querySelector('.sg-actions').replaceWith(box);
    const changes = await suggestions.editForm(s, box);
    if (changes === null) {
      this.openSuggestion(s);
      this.suggestionMarkOf(s)?.focus();
      return;
    }
    await this.acceptSuggestions([s], s, changes);
  }

  async acceptSuggestions(list, from = list[0], changes = null) {
    if (!list.length) return;
    const anchor = from || list[0];
    const card = this.selected === anchor.id ? this.aside.querySelector('.sg-card') : this.openSuggestion(anchor);
    const items = list.map(x => (changes && x.id === anchor.id ? { id: x.id, changes } : { id: x.id }));
    try {
      const result = await suggestions.accept(this.state.source.id, items);
      if (!result) return;
      const opened = result.accepted.flatMap(a => a.claim.conflicts.filter(c => c.status === 'open'));
      const made = result.accepted.map(a => a.claim.id);
      flash = opened.length
        ? { kind: 'conflict', text: `${plural(made.length, 'draft claim')} saved (${made.join(', ')}); it contradicts what is already recorded: ${plural(opened.length, 'conflict')} opened.`, conflicts: opened }
        : { kind: 'ok', text: `${plural(made.length, 'draft claim')} saved: ${result.accepted.map(a => `${a.claim.id} (${clip(describeValue(a.claim.value).main, 60)})`).join(', ')}.` };
      const decided = new Set(list.map(x => x.id));
      const next = this.state.suggestions.find(x => x.match.start > anchor.match.start && !decided.has(x.id));
      focusSuggestion = { next: next?.id, at: anchor.match.start };
      this.navigate(readerUrl(this.state.source.id), { replace: true, keepScroll: true });
    } catch (e) {
      if (card) suggestions.showProblem(card, e);
    }
  }

  /** Other sources whose text is largely this one's: a copy of it, or the original it copies, for a curator to decide. */
  copiesBlock() {
    const curator = Boolean(apiKey.get());
    return h('section', { class: 'copies', 'aria-labelledby': 'copies-title' },
      h('h2', { id: 'copies-title' }, 'Possible wire copies'),
      h('ul', {}, ...this.state.copies.map(c => {
        const other = link(readerUrl(c.sourceId), { class: 'copy-source' }, c.title);
        const share = `${Math.round(c.containment * 100)}% of the shorter text`;
        return h('li', { class: 'copy', id: `copy-${c.sourceId}` },
          h('p', null,
            ...(c.original === 'other' ? ['This text looks like a copy of ', other] : [other, ' looks like a copy of this text']),
            [c.outlet, c.published && partialDate(c.published)].filter(Boolean).length
              ? ` (${[c.outlet, c.published && partialDate(c.published)].filter(Boolean).join(', ')})` : '',
            `: they share ${share}.`),
          c.thisPassage ? h('blockquote', { class: 'copy-passage' }, clip(c.thisPassage.exact, 240)) : null,
          curator
            ? h('p', { class: 'copy-actions' },
                h('button', { type: 'button', class: 'primary', onclick: () => this.decideCopy(c, 'confirm') }, 'Confirm the copy'),
                ' ',
                h('button', { type: 'button', onclick: () => this.decideCopy(c, 'dismiss') }, 'Not a copy'))
            : null);
      })));
  }

  async decideCopy(c, decision) {
    const path = decision === 'confirm' ? c.confirmHref : `/sources/${this.state.source.id}/copies/${c.sourceId}/dismiss`;
    try {
      await api(path, { method: 'POST', body: {} });
      const title = `“${clip(c.title, 80)}”`;
      flash = { kind: 'ok', text: decision === 'confirm'
        ? `Confirmed: ${c.original === 'other' ? `this text republishes ${title}` : `${title} republishes this text`}; the two count as one voice.`
        : `Recorded that ${title} is not a copy of this text.` };
      this.navigate(readerUrl(this.state.source.id), { replace: true, keepScroll: true });
    } catch (e) {
      const item = this.main.querySelector(`#copy-${c.sourceId}`);
      if (item) append(item, problemView(e));
    }
  }

  async dismissSuggestion(s) {
    const card = this.selected === s.id ? this.aside.querySelector('.sg-card') : null;
    try {
      const result = await suggestions.dismiss(this.state.source.id, [s.id]);
      if (!result) return;
      flash = { kind: 'ok', text: `Dismissed the suggested ${s.kind === 'quantity' ? 'figure' : s.kind} “${clip(s.match.text, 60)}” for this revision.` };
      const next = this.neighbour(s);
      focusSuggestion = { next: next?.id, at: s.match.start };
      this.navigate(readerUrl(this.state.source.id), { replace: true, keepScroll: true });
    } catch (e) {
      const shown = card || this.openSuggestion(s);
      suggestions.showProblem(shown, e);
    }
  }

  openMark(mark) {
    const ids = mark.dataset.passages.split(' ').map(Number);
    // The innermost passage is the most specific one.
    const passage = ids.map(id => this.state.passages.get(id)).sort((a, b) => (a.end - a.start) - (b.end - b.start))[0];
    this.open(passage.id, { focusCard: false });
  }

  /** The default panel: every claim of the article, in text order, each a way to its passage. */
  drawIndex() {
    const ordered = [...this.state.passages.values()].sort((a, b) => a.start - b.start)
      .flatMap(p => this.state.claimsOf(p.id).map(c => ({ p, c })));
    const seen = new Set();
    const items = ordered.filter(({ c }) => !seen.has(c.id) && seen.add(c.id));
    fill(this.aside,
      h('div', { class: 'panel-head' }, h('h2', null, 'Claims in this article')),
      items.length
        ? h('ol', { class: 'claim-index' }, items.map(({ p, c }) => h('li', null,
          h('button', { type: 'button', class: ['link-button', c.conflicts.some(x => x.status === 'open' || x.status === 'acknowledged') && 'is-conflict'],
            onclick: () => this.open(p.id, { scroll: true, claimId: c.id }) },
          h('span', { class: 'index-subject' }, `${c.subject.name} · ${c.property.label}`),
          h('span', { class: 'index-value' }, clip(describeValue(c.value).main, 90))))))
        : h('p', { class: 'muted' }, 'No claims are anchored in this text yet.'));
    this.aside.classList.remove('has-card');
    this.main.querySelector('.reader-layout')?.classList.remove('card-open');
  }

  async open(passageId, { scroll = false, claimId = null } = {}) {
    const passage = this.state.passages.get(passageId);
    this.selected = passageId;
    for (const m of this.textEl.querySelectorAll('mark.hl')) {
      const on = m.dataset.passages.split(' ').map(Number).includes(passageId);
      m.classList.toggle('is-selected', on);
      if (m.hasAttribute('aria-pressed')) m.setAttribute('aria-pressed', String(on));
    }
    const firstMark = this.textEl.querySelector(`mark.is-selected`);
    if (scroll && firstMark) {
      firstMark.scrollIntoView({ block: 'center' });
      firstMark.focus({ preventScroll: true });
    }
    this.replaceUrl(readerUrl(this.state.source.id, { passage: passageId, claim: claimId || undefined }));

    const claims = this.state.claimsOf(passageId);
    this.aside.classList.add('has-card');
    this.main.querySelector('.reader-layout').classList.add('card-open');
    // On a phone the card is a sheet over the lower part of the screen: keep the passage above it.
    if (firstMark && getComputedStyle(this.aside).position === 'fixed') {
      const top = firstMark.getBoundingClientRect().top;
      window.scrollBy(0, top - window.innerHeight * 0.15);
    }
    fill(this.aside,
      h('div', { class: 'panel-head' },
        h('h2', null, claims.length > 1 ? `${claims.length} claims in this passage` : claims.length ? 'Claim' : 'Passage'),
        h('button', { type: 'button', class: 'close-button', 'aria-label': 'Close the claim card', onclick: () => this.close() }, '×')),
      h('blockquote', { class: 'panel-quote' }, passage.exact),
      loadingBlock('Loading the claim…'));

    try {
      const details = await Promise.all(claims.map(c => this.state.detail(c.id, this.signal)));
      const otherIds = [...new Set(details.flatMap(d => [...d.conflicts.map(x => x.otherClaimId), d.partOf].filter(Boolean)))];
      const others = new Map((await Promise.all(otherIds.map(id => this.state.detail(id, this.signal)))).map(d => [d.id, d]));
      if (this.selected !== passageId) return;
      this.aside.lastChild.remove();
      if (details.length === 0) {
        append(this.aside, h('p', { class: 'muted' }, 'This passage is anchored but no claim cites it yet.'));
      }
      const ordered = claimId ? [...details].sort((a, b) => (b.id === claimId) - (a.id === claimId)) : details;
      for (const d of ordered) {
        append(this.aside, claimCard(d, { sourceId: this.state.source.id, outlet: this.state.source.outlet, others }));
      }
      append(this.aside, h('p', { class: 'panel-foot' },
        h('button', { type: 'button', class: 'link-button', onclick: () => this.close() }, '← All claims in this article')));
    } catch (e) {
      if (e.name === 'AbortError') return;
      this.aside.lastChild.remove();
      append(this.aside, problemView(e));
    }
  }

  close() {
    const previous = this.textEl.querySelector('mark.is-selected[tabindex]');
    this.selected = null;
    for (const m of this.textEl.querySelectorAll('mark.is-selected')) {
      m.classList.remove('is-selected');
      if (m.hasAttribute('aria-pressed')) m.setAttribute('aria-pressed', 'false');
    }
    this.replaceUrl(readerUrl(this.state.source.id));
    this.drawIndex();
    previous?.focus();
  }

  /** The current selection inside the article text, in code points, trimmed of white space. */
  selection() {
    const sel = document.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!this.textEl.contains(range.startContainer) || !this.textEl.contains(range.endContainer)) return null;
    const from16 = textOffset(this.textEl, range.startContainer, range.startOffset);
    const to16 = textOffset(this.textEl, range.endContainer, range.endOffset);
    const [start, end] = this.state.text.trim(this.state.text.fromUtf16(from16), this.state.text.fromUtf16(to16));
    if (end <= start) return null;
    return { start, end, exact: this.state.text.slice(start, end) };
  }

  updateSelectionBar() {
    const selection = this.selection();
    this.currentSelection = selection;
    if (!selection) {
      this.selectionBar.hidden = true;
      return;
    }
    fill(this.selectionBar,
      h('p', { class: 'selection-text' },
        h('span', { class: 'muted' }, `Selected (${plural(selection.end - selection.start, 'character')}, offsets ${selection.start}–${selection.end}): `),
        h('q', null, clip(selection.exact, 140))),
      h('div', { class: 'selection-actions' },
        h('button', { type: 'button', class: 'primary', id: 'create-claim-button', onmousedown: e => e.preventDefault(), onclick: () => this.createClaim(selection) }, 'Create a claim from this passage…'),
        h('button', { type: 'button', onmousedown: e => e.preventDefault(), onclick: () => this.anchorPassage(selection) }, 'Anchor the passage only')),
      h('div', { class: 'selection-problem' }));
    this.selectionBar.hidden = false;
  }

  async anchorPassage(selection) {
    const problemBox = this.selectionBar.querySelector('.selection-problem');
    if (!(await ensureKey())) return;
    try {
      const { data } = await api(`/sources/${this.state.source.id}/passages`, { method: 'POST', body: { start: selection.start, end: selection.end } });
      flash = { kind: 'ok', text: `Anchored passage ${data.id}: “${clip(data.exact, 80)}”.` };
      this.navigate(readerUrl(this.state.source.id, { passage: data.id }), { replace: true, keepScroll: true });
    } catch (e) {
      fill(problemBox, problemView(e));
    }
  }

  async createClaim(selection) {
    const created = await openClaimForm({ source: this.state.source, selection });
    if (!created) return;
    const passageId = created.evidence.find(e => e.source.id === this.state.source.id)?.passageId;
    const opened = created.conflicts.filter(c => c.status === 'open');
    flash = opened.length
      ? { kind: 'conflict', text: `Claim ${created.id} saved, and it contradicts what is already recorded: it opened ${plural(opened.length, 'conflict')}.`, conflicts: opened }
      : { kind: 'ok', text: `Claim ${created.id} saved: ${describeValue(created.value).main}.` };
    getSelection()?.removeAllRanges();
    this.navigate(readerUrl(this.state.source.id, { passage: passageId, claim: created.id }), { replace: true, keepScroll: true });
  }
}

/** A wire copy says whose story it is: its claims in its own voice speak in that story's voice. */
function republishesLine(origin) {
  const agency = origin.agency ? h('strong', { class: 'republishes-agency' }, origin.agency) : null;
  return h('p', { class: 'republishes' },
    origin.sourceId
      ? ['A copy of ', link(readerUrl(origin.sourceId), { class: 'republishes-source' }, origin.sourceTitle || `source ${origin.sourceId}`),
        agency ? [', a story by ', agency] : null,
        '; what it says in its own voice counts as that story’s voice.']
      : ['A copy of a story by ', agency, ' (not stored here); what it says in its own voice counts as the agency’s voice.']);
}

function flashView(message) {
  return h('div', { class: ['flash', `flash-${message.kind}`], role: message.kind === 'conflict' ? 'alert' : 'status' },
    h('p', null, message.text),
    message.conflicts
      ? h('ul', { class: 'plain-list' }, message.conflicts.map(c => h('li', null,
        link(conflictUrl(c.id), { class: 'flash-link' }, `Conflict ${c.id}`), ` with claim ${c.otherClaimId}: compare both passages side by side →`)))
      : null);
}
