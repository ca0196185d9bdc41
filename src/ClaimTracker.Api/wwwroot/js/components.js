// Pieces several views share: a passage in its context, a source line, badges, the claim card.
import { get, problemView } from './api.js';
import { fill, h, link, pageUrl } from './dom.js';
import { asOfText, asserter, describeValue, num, partialDate, plural, ruleWords, scopeWords, validTimeText } from './format.js';

export const readerUrl = (sourceId, extra = {}) => pageUrl({ view: 'reader', source: sourceId, ...extra });
export const conflictUrl = id => pageUrl({ view: 'conflicts', conflict: id });

// The API gives 32 characters of context either side; a full-length context was probably cut mid-word.
const CONTEXT = 32;

/** The end of a prefix, starting at a whole word (… marks a cut). */
function contextBefore(prefix) {
  const text = prefix.replace(/\s+/g, ' ');
  if (prefix.length < CONTEXT) return text;
  const space = text.indexOf(' ');
  return space >= 0 && space < text.length - 1 ? `…${text.slice(space + 1)}` : `…${text}`;
}

/** The start of a suffix, ending at a whole word. */
function contextAfter(suffix) {
  const text = suffix.replace(/\s+/g, ' ');
  if (suffix.length < CONTEXT) return text;
  const space = text.lastIndexOf(' ');
  return space > 0 ? `${text.slice(0, space)}…` : `${text}…`;
}

/** The passage's exact words marked inside the text around them. */
export function passageQuote(passage, { className = '' } = {}) {
  return h('blockquote', { class: ['passage-quote', className] },
    h('span', { class: 'context' }, contextBefore(passage.prefix || '')),
    h('mark', { class: 'quote-exact' }, passage.exact),
    h('span', { class: 'context' }, contextAfter(passage.suffix || '')));
}

/** "Title · Outlet · April 2024", the title linking to the reader. */
export function sourceLine(source, { passageId, claimId } = {}) {
  return h('span', { class: 'source-line' },
    link(readerUrl(source.id, { passage: passageId, claim: passageId ? undefined : claimId }), { class: 'source-title' }, source.title),
    source.outlet ? h('span', { class: 'source-meta' }, ` · ${source.outlet}`) : null,
    source.published ? h('span', { class: 'source-meta' }, ` · ${partialDate(source.published)}`) : null);
}

export function badge(text, kind) {
  return h('span', { class: ['badge', kind && `badge-${kind}`] }, text);
}

export function statusBadge(status) {
  return badge(status, `status-${status}`);
}

export function rankBadge(rank) {
  return rank === 'normal' ? null : badge(rank, `rank-${rank}`);
}

/** How sure a conflict is: "certain", or "possible" with its reason beside it. */
export function certaintyBadge(certainty) {
  const word = certainty || 'certain';
  return badge(word, `certainty-${word}`);
}

/**
 * Who a claim comes through, outermost first: "Invented Post, citing AP, citing the US military". The reporting
 * outlet opens the chain; an unnamed speaker is marked as such, since it is a voice of its own.
 */
export function attributionChain(voices, outlet) {
  return h('span', { class: 'attribution-chain' },
    h('span', { class: 'voice voice-outlet' }, outlet || 'the report'),
    voices.map(v => [', citing ', h('span', { class: ['voice', v.anonymous && 'voice-anonymous'], dataset: { subjectId: v.id } },
      v.name, v.anonymous ? h('span', { class: 'anonymous-mark' }, ' (unnamed source)') : null)]));
}

/** The figure or date as the curator typed it from the report, and how the server read it. */
export function expressionLine(value) {
  if (!value.expression) return null;
  return h('p', { class: 'value-expression' },
    'Stated as: ', h('strong', { class: 'expression' }, value.expression),
    value.reading ? h('span', { class: 'expression-reading' }, ` · ${value.reading}`) : null);
}

/** A claim's value, large, with its precision beneath. */
export function valueBlock(claim) {
  const v = describeValue(claim.value);
  return h('div', { class: 'value-block' },
    h('p', { class: ['value-main', claim.value.kind === 'stance' && `stance-${claim.value.stance}`] },
      claim.value.kind === 'stance'
        ? [h('strong', { class: 'stance-word' }, claim.value.stance), ' that ', claim.value.proposition]
        : v.main),
    claim.value.kind === 'stance' ? null : h('p', { class: 'value-precision' }, v.precision));
}

/**
 * The claim card of the reader: value and precision, who asserts it and through whom, status and rank, when it holds
 * and as of when, the whole it is a part of, and the other sources that corroborate or contradict it.
 * @param claim a ClaimDetail from GET /claims/{id} (with corroboration)
 * @param context { sourceId, outlet, passageId, others: Map claimId -> ClaimDetail (the other side of each conflict, and
 *   the whole a part belongs to) }
 */
export function claimCard(claim, context = {}) {
  const { sourceId, outlet, others = new Map() } = context;
  const evidenceHere = claim.evidence.filter(e => e.source.id === sourceId);
  const refutes = evidenceHere.some(e => e.stance === 'refutes');
  const openConflicts = claim.conflicts.filter(c => c.status === 'open' || c.status === 'acknowledged');
  const corroboration = claim.corroboration;
  const otherEvidence = claim.evidence.filter(e => e.source.id !== sourceId);

  return h('article', { class: ['claim-card', openConflicts.length && 'in-conflict'], dataset: { claimId: claim.id }, 'aria-label': `Claim ${claim.id}` },
    h('header', { class: 'claim-card-head' },
      h('p', { class: 'claim-about' },
        link(pageUrl({ view: 'claims', subject: claim.subject.id }), { class: 'subject' }, claim.subject.name),
        h('span', { class: 'sep' }, ' · '),
        link(pageUrl({ view: 'claims', property: claim.property.key }), { class: 'property' }, claim.property.label)),
      h('p', { class: 'claim-badges' }, statusBadge(claim.status), rankBadge(claim.rank),
        openConflicts.length ? badge(plural(openConflicts.length, 'open conflict'), 'conflict') : null,
        refutes ? badge('this passage refutes it', 'refutes') : null)),
    valueBlock(claim),
    expressionLine(claim.value),
    claim.value.statedAs ? h('p', { class: 'stated-as' }, 'In the words of the text: ', h('q', null, claim.value.statedAs)) : null,
    h('dl', { class: 'facts' },
      h('dt', null, 'Asserted by'), h('dd', { class: 'asserted-by' }, asserter(claim, outlet)),
      claim.attribution?.length ? [h('dt', null, 'Through'), h('dd', { class: 'attribution' }, attributionChain(claim.attribution, outlet))] : null,
      h('dt', null, 'Holds'), h('dd', null, validTimeText(claim)),
      h('dt', null, 'As of'), h('dd', { class: 'as-of' }, asOfText(claim.asOf)),
      claim.partOf ? [h('dt', null, 'Part of'), h('dd', { class: 'part-of' }, wholeLink(claim.partOf, others.get(claim.partOf)))] : null,
      claim.statedOn ? [h('dt', null, 'Said'), h('dd', null, partialDate(claim.statedOn))] : null,
      claim.location ? [h('dt', null, 'Where'), h('dd', null, claim.location)] : null,
      h('dt', null, 'Status'), h('dd', null, `${claim.status}, rank ${claim.rank}`)),
    corroboration ? corroborationBlock(claim, corroboration) : null,
    claim.reconciledHref ? reconciledBlock(claim.reconciledHref) : null,
    claim.conflicts.length ? conflictsBlock(claim, others) : null,
    otherEvidence.length
      ? h('section', { class: 'card-section' },
        h('h4', null, 'Also reported in'),
        h('ul', { class: 'plain-list' }, otherEvidence.map(e => h('li', null, sourceLine(e.source, { passageId: e.passageId })))))
      : null,
    claim.note ? h('details', { class: 'card-note' }, h('summary', null, 'Curator’s note'), h('p', null, claim.note)) : null,
    h('p', { class: 'card-foot' }, `Claim ${claim.id} · version ${claim.version} · by ${claim.updatedBy}`));
}

/** The whole a part of a breakdown belongs to, linked to its passage when its detail is at hand. */
function wholeLink(id, whole) {
  const at = whole?.evidence[0];
  const text = whole ? `${describeValue(whole.value).main} (claim ${id})` : `claim ${id}`;
  return at
    ? ['the whole: ', link(readerUrl(at.source.id, { claim: id }), { class: 'whole-link' }, text)]
    : ['the whole: ', text];
}

function corroborationBlock(claim, c) {
  const supporters = c.supporters || [];
  return h('section', { class: 'card-section corroboration' },
    h('h4', null, 'Corroboration'),
    h('p', { class: 'support-count' },
      h('strong', null, plural(c.independentSupports, 'independent voice')),
      supporters.length
        ? [': ', h('span', { class: 'supporters' }, supporters.map((name, i) => [i ? ', ' : '', h('span', { class: 'supporter' }, name)])),
          c.independentSupports > supporters.length ? ', …' : '']
        : '',
      ` · ${plural(c.sourceCount, 'source')}`),
    c.agreeing.length
      ? h('ul', { class: 'agreeing plain-list' }, c.agreeing.map(a => h('li', { class: 'agreeing-claim' },
        h('span', { class: 'agree-mark', 'aria-hidden': 'true' }, '✓ '),
        h('strong', null, a.assertedBy ? a.assertedBy.name : 'source’s own voice'), ': ',
        describeValue(a.value).main,
        a.value.statedAs && a.value.statedAs !== describeValue(a.value).main ? [' (', h('q', null, a.value.statedAs), ')'] : null,
        h('span', { class: 'agree-sources' }, ' in ', a.sources.map((s, i) => [i ? '; ' : '', sourceLine(s, { claimId: a.claimId })])))))
      : h('p', { class: 'muted' }, 'No other claim agrees with it yet.'),
    c.agreeingCount > c.agreeing.length ? h('p', { class: 'muted' }, `and ${plural(c.agreeingCount - c.agreeing.length, 'more agreeing claim')}`) : null);
}

/**
 * What the reports say the figure is, for the claim's subject and property over its as-of period, in its unit
 * (GET /reconciled): the lowest and highest figure reported and the one most independent voices support, each with its
 * passages, and the other units the period's claims count in, to weigh instead. Read when the card is shown; the card
 * does not wait for it.
 */
function reconciledBlock(href) {
  const body = h('div', { class: 'reconciled-body' }, h('p', { class: 'loading' }, 'Weighing the reports…'));
  // Switching units keeps the figures shown until the new ones come, then puts the focus on the unit now weighed
  // (the button pressed is gone).
  const show = (url, switched) => get(url).then(r => {
    fill(body, reconciledView(r, other => show(other, true)));
    if (switched) body.querySelector('.reconciled-unit')?.focus();
  }, e => fill(body, problemView(e)));
  show(href, false);
  return h('section', { class: 'card-section reconciled', 'aria-label': 'Reconciled figure' },
    h('h4', null, 'Reconciled figure'), body);
}

const unitName = u => u ?? 'no stated unit';

function reconciledView(r, switchTo) {
  const weighed = r.units.find(u => u.weighed);
  const spellings = weighed ? weighed.names.filter(n => n !== weighed.unit) : [];
  const others = r.units.filter(u => !u.weighed);
  const unitLine = [
    h('p', { class: 'reconciled-unit', tabindex: '-1' }, 'Weighed in ', h('strong', null, unitName(r.unit)),
      spellings.length ? ` (also written ${spellings.join(', ')})` : null),
    others.length
      ? h('p', { class: 'reconciled-units' }, weighed ? 'Also counted in: ' : 'Counted in: ',
        others.map((u, i) => [i ? ', ' : '',
          h('button', { type: 'button', class: 'link-button reconciled-switch', dataset: { unitKey: u.key }, onclick: () => switchTo(u.href) },
            unitName(u.unit)),
          ` (${plural(u.claimCount, 'claim')})`]))
      : null,
  ];
  if (!r.consensus) {
    const words = r.claimCount === 0 && r.unit ? `No report in this period states a figure in ${r.unit}.` : 'No report in this period states a figure.';
    return [h('p', { class: 'muted reconciled-none' }, words), unitLine];
  }
  const unit = r.unit ? ` ${r.unit}` : '';
  const { from, to } = r.period;
  const period = from && from === to ? ` · ${from}` : from || to ? ` · ${from || '…'} to ${to || '…'}` : '';
  const c = r.consensus;
  return [
    h('p', { class: 'muted reconciled-over' },
      `Over ${plural(r.claimCount, 'claim')} in ${plural(r.voiceCount, 'independent voice')}${period}`),
    unitLine,
    h('dl', { class: 'facts reconciled-figures' },
      reconciledRow('Lowest', 'lowest', r.lowest, unit, 'stating it'),
      reconciledRow('Highest', 'highest', r.highest, unit, 'stating it'),
      reconciledRow('Consensus', 'consensus', c, unit, 'supporting it')),
    c.tied
      ? h('p', { class: 'reconciled-tie' }, h('strong', null, 'A tie: '),
        `as many voices support ${c.ties.map(t => `${num(t.amount)}${unit}`).join(', ')}${c.tieCount > c.ties.length ? ', …' : ''}; the reports do not settle on one figure.`)
      : null,
  ];
}

function reconciledRow(label, role, figure, unit, how) {
  return [
    h('dt', null, label),
    h('dd', { class: `reconciled-${role}` },
      h('strong', { class: 'reconciled-amount' }, `${num(figure.amount)}${unit}`),
      h('span', { class: 'reconciled-voices' }, ` · ${plural(figure.voiceCount, 'independent voice')} ${how}`),
      h('details', { class: 'reconciled-passages' },
        h('summary', null, plural(figure.passageCount, 'passage')),
        h('ul', { class: 'plain-list' }, figure.passages.map(p => h('li', { class: 'reconciled-passage', dataset: { claimId: p.claimId } },
          h('strong', null, p.voice), p.how === 'admits' ? ` (${describeValue(p.value).main} allows it)` : '', ': ',
          h('q', { class: 'quote-exact' }, p.exact), ' ', sourceLine(p.source, { passageId: p.passageId })))),
        figure.passageCount > figure.passages.length ? h('p', { class: 'muted' }, `and ${plural(figure.passageCount - figure.passages.length, 'more passage')}`) : null)),
  ];
}

function conflictsBlock(claim, others) {
  return h('section', { class: 'card-section conflicts' },
    h('h4', null, 'Contradicted by'),
    h('ul', { class: 'plain-list' }, claim.conflicts.map(ref => {
      const other = others.get(ref.otherClaimId);
      return h('li', { class: ['conflict-ref', `conflict-${ref.status}`] },
        h('span', { class: 'conflict-mark', 'aria-hidden': 'true' }, '✕ '),
        other
          ? [h('strong', null, other.assertedBy ? other.assertedBy.name : (other.evidence[0]?.source.outlet || 'a source')), ': ',
            describeValue(other.value).main,
            other.evidence[0] ? h('span', { class: 'agree-sources' }, ' in ', sourceLine(other.evidence[0].source, { passageId: other.evidence[0].passageId })) : null]
          : `claim ${ref.otherClaimId}`,
        h('span', { class: 'conflict-meta' }, ' ',
          link(conflictUrl(ref.id), null, `Conflict ${ref.id}`), `: ${ref.status}, ${ruleWords[ref.rule] || ref.rule}, ${scopeWords[ref.scope] || ref.scope}`),
        ref.certainty === 'possible'
          ? h('span', { class: 'conflict-certainty' }, ' ', certaintyBadge('possible'), ref.certaintyReason ? ` ${ref.certaintyReason}` : null)
          : null);
    })),
    claim.conflictCount > claim.conflicts.length ? h('p', { class: 'muted' }, `and ${plural(claim.conflictCount - claim.conflicts.length, 'more conflict')}`) : null);
}

export function loadingBlock(text = 'Loading…') {
  return h('p', { class: 'loading' }, text);
}
