// The timeline: dated claims in order, each drawn at its real precision. A month is a month-long block within
// its year ("September 2026"), a year a year-long block within its decade; never a point on a first day.
import { get, getAll, problemView } from '../api.js';
import { fill, h, link, pageUrl } from '../dom.js';
import { badge, loadingBlock, readerUrl } from '../components.js';
import { asserter, dateParts, daysInMonth, modifierWord, monthName, partialDate, plural } from '../format.js';

const MONTH_LETTERS = ['J', 'F', 'M', 'A', 'M', 'J', 'J', 'A', 'S', 'O', 'N', 'D'];
const DEADLINE_WORDS = { pending: 'pending', met: 'met', missed: 'missed', past_due: 'past due' };

export async function render(main, params, { signal, navigate }) {
  document.title = 'Timeline · ClaimTracker';
  fill(main, loadingBlock('Loading the timeline…'));

  const subjects = (await getAll('/subjects', { signal })).items;
  const byName = new Map(subjects.map(s => [s.name, s]));
  const wanted = params.get('subject');
  const fallback = subjects.find(s => s.kind === 'topic' && s.broaderId === null)
    || subjects.filter(s => s.broaderId === null).sort((a, b) => b.claimCount - a.claimCount)[0];
  const subjectName = wanted || fallback?.name;

  const picker = h('select', { id: 'timeline-subject', onchange: e => navigate(pageUrl({ view: 'timeline', subject: e.target.value })) },
    groupSubjects(subjects, subjectName));
  const body = h('div', { class: 'timeline-body' }, loadingBlock('Loading the timeline…'));
  fill(main,
    h('h1', null, 'Timeline'),
    h('form', { class: 'timeline-controls', onsubmit: e => e.preventDefault() },
      h('label', { for: 'timeline-subject' }, 'Events of'), picker),
    h('p', { class: 'hint' }, 'Each date is drawn at the precision the reports give it: a month is a whole month, a year a whole year. ',
      'Shaded cells show “by”, “before”, “from” and “after”.'),
    body);

  if (!subjectName) {
    fill(body, h('p', { class: 'empty' }, 'There are no subjects yet.'));
    return;
  }
  document.title = `${subjectName} · Timeline · ClaimTracker`;
  try {
    const [timeline, deadlines] = await Promise.all([
      getAll(`/timeline?subject=${encodeURIComponent(subjectName)}`, { signal }),
      get('/deadlines', { signal }).catch(() => []),
    ]);
    const deadlineOf = new Map(deadlines.map(d => [d.claim.id, d]));
    fill(body, timelineView(timeline.items, deadlineOf, byName.get(subjectName)));
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    fill(body, problemView(e));
  }
}

function groupSubjects(subjects, selected) {
  const top = subjects.filter(s => s.broaderId === null && s.kind === 'topic');
  const rest = subjects.filter(s => !top.includes(s));
  const option = s => h('option', { value: s.name, selected: s.name === selected }, s.name);
  const known = subjects.some(s => s.name === selected);
  return [
    !known && selected ? h('option', { value: selected, selected: true }, selected) : null,
    top.length ? h('optgroup', { label: 'Topics' }, top.map(option)) : null,
    h('optgroup', { label: 'Subjects' }, rest.map(option)),
  ];
}

/** Start and end (exclusive) of the period a date names, in days since 1970. */
function period(when) {
  const { year, month, day } = dateParts(when.date);
  const d = (y, m, dd) => Date.UTC(y, m - 1, dd) / 86400000;
  if (when.precision === 'year') return [d(year, 1, 1), d(year + 1, 1, 1)];
  if (when.precision === 'month') return [d(year, month, 1), d(year, month + 1, 1)];
  return [d(year, month, day), d(year, month, day + 1)];
}

function timelineView(items, deadlineOf, subject) {
  if (items.length === 0) {
    return h('p', { class: 'empty' }, `No dated claims about ${subject ? subject.name : 'this subject'} yet.`);
  }
  const groups = [];
  for (const item of items) {
    const { year } = dateParts(item.when.date);
    if (!groups.length || groups[groups.length - 1].year !== year) groups.push({ year, items: [] });
    groups[groups.length - 1].items.push(item);
  }
  return [
    overview(items),
    h('p', { class: 'result-summary' }, `${plural(items.length, 'dated claim')}, earliest first; a longer period comes before the shorter ones inside it.`),
    h('ol', { class: 'timeline plain-list', 'aria-label': 'Dated claims in order' }, groups.map(group => h('li', { class: 'tl-year' },
      h('h2', { class: 'tl-year-label' }, String(group.year)),
      h('ol', { class: 'plain-list' }, group.items.map(item => itemView(item, deadlineOf.get(item.claim.id))))))),
  ];
}

/** The whole span at a glance: each claim a block as long as its period. */
function overview(items) {
  const spans = items.map(i => period(i.when));
  const firstYear = dateParts(items[0].when.date).year;
  const lastYear = Math.max(...items.map(i => dateParts(i.when.date).year));
  const start = Date.UTC(firstYear, 0, 1) / 86400000;
  const end = Date.UTC(lastYear + 1, 0, 1) / 86400000;
  const total = end - start;
  const axis = h('div', { class: 'overview-axis', 'aria-hidden': 'true' });
  const pct = x => `${((x - start) / total) * 100}%`;
  for (let y = firstYear; y <= lastYear + 1; y += 1) {
    const major = (y - firstYear) % 5 === 0 || y === lastYear + 1;
    const tick = h('span', { class: ['tick', major && 'major'] }, major ? h('span', { class: 'tick-label' }, String(y)) : null);
    tick.style.setProperty('--at', pct(Date.UTC(y, 0, 1) / 86400000));
    axis.append(tick);
  }
  items.forEach((item, i) => {
    const [a, b] = spans[i];
    const block = h('span', { class: ['ov-block', `precision-${item.when.precision}`], title: `${modifierWord(item.modifier)} ${partialDate(item.when)}`.trim() });
    block.style.setProperty('--at', pct(a));
    block.style.setProperty('--width', `${((b - a) / total) * 100}%`);
    axis.append(block);
  });
  return h('figure', { class: 'overview' },
    axis,
    h('figcaption', { class: 'hint' }, `${firstYear} to ${lastYear}: each mark is as wide as the period it names (a year, a month or a day).`));
}

function itemView(item, deadline) {
  const { when, modifier, claim } = item;
  const label = partialDate(when);
  const mod = modifierWord(modifier);
  const source = claim.evidence[0]?.source;
  const openConflicts = claim.conflicts.filter(c => c.status === 'open' || c.status === 'acknowledged');
  return h('li', { class: ['tl-item', `precision-${when.precision}`], dataset: { precision: when.precision, date: when.date, claimId: claim.id } },
    h('div', { class: 'tl-when' },
      mod ? h('span', { class: 'tl-modifier' }, mod) : null,
      h('span', { class: 'tl-label' }, label),
      h('span', { class: 'tl-precision' }, `${when.precision} precision`)),
    strip(when, modifier, label),
    h('div', { class: 'tl-what' },
      h('p', { class: 'tl-title' }, h('strong', null, claim.subject.name), h('span', { class: 'muted' }, ` · ${claim.property.label}`),
        deadline ? [' ', badge(`${DEADLINE_WORDS[deadline.status] || deadline.status} as of ${partialDate({ date: deadline.asOf, precision: 'day' })}`, `deadline-${deadline.status}`)] : null,
        openConflicts.length ? [' ', link(pageUrl({ view: 'conflicts', conflict: openConflicts[0].id }), { class: 'badge badge-conflict' }, 'in conflict')] : null),
      claim.value.statedAs ? h('p', { class: 'tl-quote' }, h('q', null, claim.value.statedAs)) : null,
      h('p', { class: 'tl-source' },
        `${asserter(claim, source?.outlet)}`,
        source ? [' · ', link(readerUrl(source.id, { passage: claim.evidence[0].passageId, claim: claim.id }), null, source.title)] : null,
        claim.evidence.length > 1 ? ` and ${plural(claim.evidence.length - 1, 'more source')}` : null)));
}

/**
 * The period inside its parent: a month among the 12 of its year, a day among the days of its month, a year
 * among the 10 of its decade. The named cell is filled whole; "by"/"before"/"until" shade the cells before it,
 * "from"/"after" those after it.
 */
function strip(when, modifier, label) {
  const { year, month, day } = dateParts(when.date);
  let cells;
  let index;
  let caption;
  let names;
  if (when.precision === 'month') {
    cells = 12; index = month - 1; caption = String(year);
    names = MONTH_LETTERS;
  } else if (when.precision === 'day') {
    cells = daysInMonth(year, month); index = day - 1; caption = `day ${day} of ${monthName(month)} ${year}`;
    names = Array.from({ length: cells }, () => '');
  } else {
    const decade = year - (year % 10);
    cells = 10; index = year - decade; caption = `${decade}s`;
    names = Array.from({ length: 10 }, (_, i) => `’${String((decade + i) % 100).padStart(2, '0')}`);
  }
  const before = ['by', 'before', 'until'].includes(modifier);
  const after = ['from', 'after'].includes(modifier);
  const unit = when.precision === 'day' ? 'day' : when.precision === 'month' ? 'month' : 'year';
  const described = `${modifierWord(modifier) ? `${modifierWord(modifier)} ` : ''}${label}: the whole ${unit}${when.precision === 'day' ? '' : `, not its first day`}`;
  return h('div', { class: ['tl-strip', `cells-${when.precision}`], role: 'img', 'aria-label': described, title: described },
    h('div', { class: 'cells' }, Array.from({ length: cells }, (_, i) => h('span', {
      class: ['cell', i === index && 'is-period', before && i < index && 'is-lead', after && i > index && 'is-trail'],
    }, names[i]))),
    h('span', { class: 'strip-caption' }, caption));
}
