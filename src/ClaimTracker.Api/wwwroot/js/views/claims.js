// The claims table with facets, like Datasette: every filter lives in the query string, so any view is a link.
import { get, problemView, query } from '../api.js';
import { fill, h, link, pageUrl } from '../dom.js';
import { badge, loadingBlock, readerUrl, statusBadge } from '../components.js';
import { asserter, describeValue, num, plural } from '../format.js';

const FILTERS = ['subject', 'property', 'source', 'asserted_by', 'status', 'rank', 'q', 'best', 'outlet', 'from', 'to', 'published_from', 'published_to'];
const FACETS = [
  ['property', 'Property'],
  ['subject', 'Subject'],
  ['source', 'Source'],
  ['outlet', 'Outlet'],
  ['asserted_by', 'Asserted by'],
  ['status', 'Status'],
  ['valid_year', 'Holds in (year)'],
  ['valid_month', 'Holds in (month)'],
  ['published_year', 'Published in (year)'],
  ['published_month', 'Published in (month)'],
];

// A date facet's value filters by a period: the claim's valid time (from/to) or its sources' publication.
const PERIOD = {
  valid_year: ['from', 'to'],
  valid_month: ['from', 'to'],
  published_year: ['published_from', 'published_to'],
  published_month: ['published_from', 'published_to'],
};

/** The filters a facet value sets (or, when it is the one selected, clears). */
function facetFilters(name, value, selected) {
  const period = PERIOD[name];
  if (period) return Object.fromEntries(period.map(p => [p, selected ? undefined : value]));
  return { [name]: selected ? undefined : value };
}

function facetSelected(name, value, label, filters) {
  const period = PERIOD[name];
  if (period) return filters[period[0]] === value && filters[period[1]] === value;
  const current = filters[name];
  return current !== undefined && (current === value || current.toLowerCase() === label.toLowerCase());
}

export async function render(main, params, { signal, navigate }) {
  document.title = 'Claims · ClaimTracker';
  const filters = {};
  for (const f of FILTERS) if (params.get(f)) filters[f] = params.get(f);
  const cursor = params.get('cursor');
  const sort = params.get('sort');

  const search = h('input', { id: 'claims-q', name: 'q', type: 'search', value: filters.q || '', placeholder: 'withdrawal, troops, “at no point”…' });
  const body = h('div', { class: 'claims-body' }, loadingBlock('Loading claims…'));
  fill(main,
    h('h1', null, 'Claims'),
    h('form', { class: 'claims-search', role: 'search', onsubmit: e => {
      e.preventDefault();
      navigate(pageUrl({ view: 'claims', ...filters, q: search.value.trim() || undefined }));
    } },
    h('label', { for: 'claims-q' }, 'Search the claims and their passages'),
    h('div', { class: 'inline-field' }, search, h('button', { type: 'submit', class: 'primary' }, 'Search'))),
    body);

  let page;
  try {
    page = await get(`/claims${query({ ...filters, sort, cursor, limit: 50, facet: FACETS.map(([k]) => k) })}`, { signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    // A filter the server refuses (an unknown subject, a malformed search) is explained next to the filters.
    fill(body, problemView(e), h('p', null, link(pageUrl({ view: 'claims' }), null, 'Clear all filters')));
    return;
  }
  const facets = page.facets || {};
  const total = (facets.status || []).reduce((n, f) => n + f.count, 0);

  const labelOf = (name, value) => {
    if (name === 'q') return `“${value}”`;
    if (name === 'best') return 'best-ranked only';
    if (['from', 'to', 'published_from', 'published_to', 'outlet'].includes(name)) return value;
    const hit = (facets[name] || []).find(f => (f.value ?? 'source') === value || f.label.toLowerCase() === String(value).toLowerCase());
    return hit ? hit.label : value;
  };

  const active = Object.entries(filters);
  fill(body,
    h('div', { class: 'claims-summary' },
      h('p', { class: 'result-summary', id: 'claims-count' }, h('strong', null, plural(total, 'claim')), active.length ? ' match' : ' in all'),
      active.length
        ? h('ul', { class: 'active-filters plain-list', 'aria-label': 'Active filters' }, active.map(([name, value]) => h('li', null,
          h('span', { class: 'filter-chip' },
            h('span', { class: 'filter-name' }, `${name.replace('_', ' ')}: `), labelOf(name, value),
            link(pageUrl({ view: 'claims', ...filters, [name]: undefined, sort }), { class: 'chip-remove', 'aria-label': `Remove the ${name.replace('_', ' ')} filter` }, '×')))))
        : null,
      active.length ? link(pageUrl({ view: 'claims' }), { class: 'clear-filters' }, 'Clear all') : null,
      page.relevance && !page.relevance.allMatches
        ? h('p', { class: 'hint', id: 'relevance-scope' }, `Ranked by relevance among the newest ${num(page.relevance.ranked)} matches; `,
          link(pageUrl({ view: 'claims', ...filters, sort: 'id' }), null, 'list every match'), ' or narrow the search.')
        : null,
      h('p', { class: 'exports' }, 'Export: ',
        ['csv', 'ndjson', 'jsonld'].map((format, i) => [i ? ' · ' : '', h('a', { href: `/exports/claims${query({ ...filters, format })}`, download: `claims.${format === 'jsonld' ? 'jsonld' : format}` }, format.toUpperCase())]))),
    h('div', { class: 'claims-layout' },
      h('aside', { class: 'facets', 'aria-label': 'Facets' },
        FACETS.map(([name, label]) => facetView(name, label, facets[name] || [], filters, sort)),
        !filters.status ? h('p', { class: 'hint' }, 'Retracted claims are left out; ',
          link(pageUrl({ view: 'claims', ...filters, status: 'retracted' }), null, 'show them'), '.') : null),
      h('div', { class: 'claims-table-wrap' },
        page.items.length ? tableView(page.items, Boolean(filters.q)) : h('p', { class: 'empty' }, 'No claim matches these filters.'),
        h('nav', { class: 'pager', 'aria-label': 'Pages' },
          cursor ? link(pageUrl({ view: 'claims', ...filters, sort }), null, '← First page') : null,
          page.nextCursor ? link(pageUrl({ view: 'claims', ...filters, sort, cursor: page.nextCursor }), { class: 'next' }, 'Next page →') : null))));
}

function facetView(name, label, values, filters, sort) {
  // Periods read in time order; the other facets most frequent first, as the API gives them.
  const shown = PERIOD[name] ? [...values].sort((a, b) => (a.value < b.value ? -1 : 1)) : values;
  return h('section', { class: 'facet', dataset: { facet: name } },
    h('h2', null, label),
    values.length === 0 ? h('p', { class: 'muted' }, 'none') : null,
    h('ul', { class: 'plain-list' }, shown.map(v => {
      const value = v.value ?? 'source';
      const selected = facetSelected(name, value, v.label, filters);
      const href = pageUrl({ view: 'claims', ...filters, ...facetFilters(name, value, selected), sort });
      return h('li', null, link(href, { class: ['facet-value', selected && 'is-selected'], 'aria-current': selected ? 'true' : null, dataset: { value } },
        h('span', { class: 'facet-label' }, v.label),
        h('span', { class: 'facet-count' }, num(v.count))));
    })));
}

/**
 * The passage a search matched, its matched words in <mark>: built from the API's fragments as text nodes, so nothing
 * of the passage is ever read as markup.
 */
export function snippetView(snippet) {
  return h('p', { class: 'snippet', dataset: { passageId: snippet.passageId } },
    snippet.fragments.map(f => (f.match ? h('mark', { class: 'snippet-match' }, f.text) : f.text)));
}

function tableView(items, searched) {
  const headings = ['Subject', 'Property', 'Value', 'Asserted by', searched ? 'Evidence and the words that matched' : 'Evidence', 'Status'];
  return h('table', { class: 'claims-table' },
    h('caption', { class: 'visually-hidden' }, 'Claims'),
    h('thead', null, h('tr', null,
      headings.map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, items.map(c => {
      const v = describeValue(c.value);
      const openConflicts = c.conflicts.filter(x => x.status === 'open' || x.status === 'acknowledged');
      const firstOutlet = c.evidence[0]?.source.outlet;
      return h('tr', { dataset: { claimId: c.id } },
        h('td', { class: 'cell-subject' }, link(pageUrl({ view: 'claims', subject: c.subject.id }), null, c.subject.name)),
        h('td', { class: 'cell-property' }, c.property.label),
        h('td', { class: 'cell-value' },
          h('span', { class: 'value-main-sm' }, v.main),
          h('span', { class: 'value-precision-sm' }, v.precision)),
        h('td', { class: 'cell-asserter' }, asserter(c, firstOutlet)),
        h('td', { class: 'cell-evidence' }, h('ul', { class: 'plain-list' }, c.evidence.map(e => h('li', null,
          link(readerUrl(e.source.id, { passage: e.passageId, claim: c.id }), { title: e.exact }, e.source.title)))),
          c.snippet ? snippetView(c.snippet) : null),
        h('td', { class: 'cell-status' }, statusBadge(c.status), c.rank !== 'normal' ? [' ', badge(c.rank, `rank-${c.rank}`)] : null,
          openConflicts.length ? [' ', link(pageUrl({ view: 'conflicts', conflict: openConflicts[0].id }), { class: 'badge badge-conflict' }, plural(openConflicts.length, 'conflict'))] : null));
    })));
}
