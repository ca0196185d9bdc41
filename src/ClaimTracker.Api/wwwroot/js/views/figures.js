// Figure look-up: every article that supports a figure, with the passages (GET /figures?value=).
import { get, problemView } from '../api.js';
import { fill, h, link, pageUrl } from '../dom.js';
import { badge, expressionLine, loadingBlock, passageQuote, readerUrl, statusBadge, valueBlock } from '../components.js';
import { asserter, num, partialDate, plural } from '../format.js';

export async function render(main, params, { signal, navigate }) {
  const value = params.get('value') || '';
  const property = params.get('property') || '';
  document.title = value ? `${value} · Figures · ClaimTracker` : 'Figures · ClaimTracker';

  const input = h('input', { id: 'figure-value', name: 'value', type: 'search', inputmode: 'decimal', value, placeholder: 'e.g. 2,500', autocomplete: 'off' });
  const propertySelect = h('select', { id: 'figure-property', name: 'property' }, h('option', { value: '' }, 'any figure'));
  const results = h('div', { class: 'figure-results', 'aria-live': 'polite' });

  fill(main,
    h('h1', null, 'Which articles support a figure?'),
    h('form', { class: 'figure-search', role: 'search', onsubmit: e => {
      e.preventDefault();
      navigate(pageUrl({ view: 'figures', value: input.value.trim(), property: propertySelect.value }));
    } },
    h('label', { for: 'figure-value' }, 'Figure'),
    input,
    h('label', { for: 'figure-property' }, 'of'),
    propertySelect,
    h('button', { type: 'submit', class: 'primary' }, 'Look up')),
    h('p', { class: 'hint' }, '“2,500” and “2500” are the same figure. Claims that state it come first; after them, claims whose range only admits it: “about 2,400” counts as 2,160 to 2,640.'),
    results);

  get('/properties', { signal }).then(properties => {
    for (const p of properties.filter(x => x.valueType === 'quantity')) {
      propertySelect.append(h('option', { value: p.key, selected: p.key === property }, p.label));
    }
  }).catch(() => { /* the list is a convenience; the look-up works without it */ });

  if (!value) {
    if (!params.has('value')) input.focus();
    fill(results, h('p', { class: 'muted' }, 'Type a figure, such as 2,500, and press Enter.'));
    return;
  }
  fill(results, loadingBlock('Looking it up…'));
  try {
    const query = new URLSearchParams({ value });
    if (property) query.set('property', property);
    const result = await get(`/figures?${query}`, { signal });
    fill(results, resultView(result, cursor => {
      const next = new URLSearchParams(query);
      next.set('cursor', cursor);
      return get(`/figures?${next}`, { signal });
    }));
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    fill(results, problemView(e));
  }
}

function resultView(result, nextPage) {
  if (result.sources.length === 0) {
    return h('p', { class: 'empty' }, `No article supports ${num(result.value)}${result.property ? ` as ${result.property}` : ''}. `,
      'A claim supports a figure when its stated range contains it; try a nearby figure or ',
      link(pageUrl({ view: 'claims', q: String(result.value) }), null, 'search the claims'), '.');
  }
  const list = h('ol', { class: 'figure-sources plain-list' }, result.sources.map(group => sourceItem(group, result.value)));
  const more = h('div', { class: 'figure-more' });
  // The sources come in pages, oldest first: the next page is appended where the reader already is.
  const offerMore = cursor => {
    if (!cursor) return fill(more);
    const button = h('button', { type: 'button' }, `Show more articles (${num(list.children.length)} of ${num(result.sourceCount)} shown)`);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const page = await nextPage(cursor);
        list.append(...page.sources.map(group => sourceItem(group, result.value)));
        offerMore(page.nextCursor);
      } catch (e) {
        if (e.name === 'AbortError') return;
        fill(more, problemView(e));
      }
    });
    fill(more, button);
  };
  offerMore(result.nextCursor);
  return [
    h('p', { class: 'result-summary' },
      h('strong', null, plural(result.sourceCount, 'article')), ` support ${num(result.value)}${result.unit ? ` ${result.unit}` : ''}`,
      ` · ${plural(result.claimCount, 'claim')}`),
    list,
    more,
  ];
}

// A claim that states the figure is evidence for it; one whose range only admits it is weaker, and is shown so.
function howLine(claim, figure) {
  const how = claim.how || 'states';
  return h('p', { class: ['figure-how', `figure-how-${how}`] },
    badge(how === 'admits' ? 'admits' : 'states', `how-${how}`), ' ',
    how === 'admits'
      ? `Its range only admits ${num(figure)}; it does not state it.`
      : `It states ${num(figure)}.`);
}

function sourceItem(group, figure) {
  return h('li', { class: 'figure-source' },
    h('h2', { class: 'figure-source-title' }, link(readerUrl(group.source.id), null, group.source.title)),
    h('p', { class: 'source-meta' }, [group.source.outlet, group.source.published && partialDate(group.source.published)].filter(Boolean).join(' · ')),
    h('ul', { class: 'plain-list' }, group.claims.map(claim => h('li', { class: ['figure-claim', `figure-claim-${claim.how || 'states'}`],
      dataset: { claimId: claim.claimId, how: claim.how || 'states' } },
      h('div', { class: 'figure-claim-head' },
        h('p', { class: 'claim-about' }, `${claim.subject.name} · ${claim.property.label}`),
        statusBadge(claim.status)),
      howLine(claim, figure),
      valueBlock(claim),
      expressionLine(claim.value),
      h('p', { class: 'asserted-by' }, 'Asserted by ', h('strong', null, asserter(claim, group.source.outlet))),
      claim.passages.map(p => h('div', { class: 'figure-passage' },
        passageQuote(p),
        h('p', { class: 'passage-link' }, link(readerUrl(p.source.id, { passage: p.passageId, claim: claim.claimId }), null, 'Read it in the article →'))))))));
}
