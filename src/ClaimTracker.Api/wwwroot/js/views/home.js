// The start page leads to the two questions people arrive with: which reports support a figure, and where
// reports disagree.
import { get, getAll, problemView } from '../api.js';
import { fill, h, link, pageUrl } from '../dom.js';
import { conflictUrl, loadingBlock, readerUrl } from '../components.js';
import { clip, describeValue, num, partialDate, plural } from '../format.js';

export async function render(main, params, { signal, navigate }) {
  document.title = 'ClaimTracker';

  const figureInput = h('input', { id: 'home-figure', name: 'value', type: 'search', inputmode: 'decimal', placeholder: 'e.g. 2,500', autocomplete: 'off', required: true });
  const examples = h('p', { class: 'examples', 'aria-live': 'polite' });
  const conflictsBox = h('div', { class: 'home-conflicts' }, loadingBlock('Loading conflicts…'));
  const sourcesBox = h('div', { class: 'home-sources' }, loadingBlock('Loading articles…'));
  const statsBox = h('p', { class: 'home-stats' });

  fill(main,
    h('section', { class: 'hero', 'aria-labelledby': 'hero-title' },
      h('h1', { id: 'hero-title' }, 'Which reports support a figure?'),
      h('p', { class: 'lede' }, 'Every claim here is tied to the exact words of the article that makes it. Type a number to see every article that supports it, with the passages.'),
      h('form', { class: 'figure-search big', role: 'search', onsubmit: e => {
        e.preventDefault();
        if (figureInput.value.trim()) navigate(pageUrl({ view: 'figures', value: figureInput.value.trim() }));
      } },
      h('label', { for: 'home-figure', class: 'visually-hidden' }, 'A figure to look up'),
      figureInput,
      h('button', { type: 'submit', class: 'primary' }, 'Look up')),
      examples),
    h('div', { class: 'home-grid' },
      h('section', { class: 'panel panel-conflicts', 'aria-labelledby': 'home-conflicts-title' },
        h('h2', { id: 'home-conflicts-title' }, 'Where reports disagree'),
        conflictsBox),
      h('section', { class: 'panel', 'aria-labelledby': 'home-sources-title' },
        h('h2', { id: 'home-sources-title' }, 'Articles'),
        sourcesBox,
        statsBox)));
  figureInput.focus();

  await Promise.all([
    loadExamples(examples, signal),
    loadConflicts(conflictsBox, signal),
    loadSources(sourcesBox, statsBox, signal),
  ]);
}

async function loadExamples(box, signal) {
  try {
    const page = await get('/claims?sort=recent&limit=200', { signal });
    // The figures most often claimed first: those are the ones reports agree or disagree on.
    const amounts = new Map();
    for (const c of page.items) {
      if (c.value.kind !== 'quantity' || c.value.amount === null) continue;
      const seen = amounts.get(c.value.amount) || { count: 0, label: c.property.label };
      seen.count += 1;
      amounts.set(c.value.amount, seen);
    }
    const picks = [...amounts.entries()].sort((a, b) => b[1].count - a[1].count || b[0] - a[0]).slice(0, 6);
    if (picks.length) {
      fill(box, 'Try: ', picks.map(([amount, { label, count }], i) => [i ? ' ' : '',
        link(pageUrl({ view: 'figures', value: num(amount) }), { class: 'chip', title: `${label}: ${plural(count, 'claim')}` }, num(amount))]));
    }
  } catch (e) {
    if (e.name !== 'AbortError') fill(box, problemView(e));
  }
}

async function loadConflicts(box, signal) {
  try {
    const page = await get('/conflicts?status=open&limit=200', { signal });
    const total = page.items.length;
    if (total === 0) {
      fill(box, h('p', { class: 'muted' }, 'No open conflicts: no two recorded claims contradict each other right now. ',
        link(pageUrl({ view: 'conflicts', status: 'resolved' }), null, 'See resolved ones')));
      return;
    }
    fill(box,
      h('p', { class: 'big-count' },
        link(pageUrl({ view: 'conflicts' }), { class: 'count-link' },
          h('strong', null, page.nextCursor ? `${total}+` : num(total)), ` open ${total === 1 && !page.nextCursor ? 'conflict' : 'conflicts'}`)),
      h('ul', { class: 'conflict-summaries plain-list' }, page.items.slice(0, 4).map(conflict => {
        const [a, b] = conflict.claims;
        return h('li', null,
          link(conflictUrl(conflict.id), { class: 'conflict-summary' },
            h('span', { class: 'summary-subject' }, `${a.subject.name} · ${a.property.label}`),
            h('span', { class: 'summary-sides' },
              side(a), h('span', { class: 'summary-vs' }, ' vs '), side(b))));
      })),
      total > 4 ? h('p', null, link(pageUrl({ view: 'conflicts' }), null, `All ${plural(total, 'open conflict')} →`)) : null,
      h('p', null, link(pageUrl({ view: 'conflicts' }), { class: 'button-link' }, 'Open the conflicts board →')));
  } catch (e) {
    if (e.name !== 'AbortError') fill(box, problemView(e));
  }
}

function side(claim) {
  const who = claim.assertedBy ? claim.assertedBy.name : (claim.evidence[0]?.source.outlet || 'the source');
  const v = claim.value.kind === 'stance' ? claim.value.stance : clip(describeValue(claim.value).main, 40);
  return h('span', { class: 'summary-side' }, h('strong', null, who), ` ${v}`);
}

async function loadSources(box, statsBox, signal) {
  try {
    const { items, truncated } = await getAll('/sources', { signal, cap: 200 });
    const details = await Promise.all(items.slice(-8).reverse().map(s => get(`/sources/${s.id}`, { signal })));
    fill(box, h('ul', { class: 'source-list plain-list' }, details.map(s => h('li', null,
      link(readerUrl(s.id), { class: 'source-title' }, s.title),
      h('span', { class: 'source-meta' }, [s.outlet, s.published && partialDate(s.published)].filter(Boolean).join(' · ')),
      h('span', { class: 'source-counts' }, `${plural(s.claimCount, 'claim')} · ${plural(s.passageCount, 'passage')}`)))),
    items.length > 8 || truncated ? h('p', null, `${items.length}${truncated ? '+' : ''} articles in all; pick any in the reader.`) : null);
    fill(statsBox,
      link(pageUrl({ view: 'claims' }), null, 'Browse every claim'), ' · ',
      link(pageUrl({ view: 'timeline' }), null, 'Timeline of events'));
  } catch (e) {
    if (e.name !== 'AbortError') fill(box, problemView(e));
  }
}
