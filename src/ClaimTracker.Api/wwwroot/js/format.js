// Values, dates and labels in words, at the precision the API states: never more precise than the source.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
export const num = n => (n === null || n === undefined ? '' : numberFormat.format(n));

/** Parses "2024", "2024-09" or "2024-09-18" into its parts. */
export function dateParts(date) {
  const [y, m, d] = String(date).split('-').map(Number);
  return { year: y, month: m || null, day: d || null };
}

/** {date, precision} in words: "2014", "September 2026", "29 August 2024". A month is never shown as a day. */
export function partialDate(view) {
  if (!view) return '';
  const { year, month, day } = dateParts(view.date);
  switch (view.precision) {
    case 'year': return String(year);
    case 'month': return `${MONTHS[month - 1]} ${year}`;
    default: return `${day} ${MONTHS[month - 1]} ${year}`;
  }
}

export const monthName = m => MONTHS[m - 1];

export function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const precisionWord = { year: 'year', month: 'month', day: 'day' };

const MODIFIERS = { on: '', by: 'by', before: 'before', after: 'after', from: 'from', until: 'until' };
export const modifierWord = m => MODIFIERS[m] ?? '';

/** A timestamp (ISO) as a day, for "opened", "updated". */
export function day(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function unitText(value) {
  return value.unit ? ` ${value.unit}` : '';
}

/**
 * A claim's value as { main, precision }: main is the value as a reader would say it ("about 2,500 troops",
 * "by September 2026"), precision says how exact it is and the range it counts as.
 */
export function describeValue(value) {
  if (!value) return { main: '', precision: '' };
  switch (value.kind) {
    case 'quantity': {
      const a = value.approximation || 'exact';
      const u = unitText(value);
      let main;
      if (a === 'approximate') main = `about ${num(value.amount)}${u}`;
      else if (a === 'range') main = `${num(value.low ?? value.lowerBound)}–${num(value.high ?? value.upperBound)}${u}`;
      // The bound it counts as, not the figure typed: "more than 40" is at least 41.
      else if (a === 'at_least') main = `at least ${num(value.low ?? value.amount ?? value.lowerBound)}${u}`;
      else if (a === 'at_most') main = `at most ${num(value.high ?? value.amount ?? value.upperBound)}${u}`;
      else main = `${num(value.amount)}${u}`;

      let precision;
      if (a === 'approximate') {
        const share = Math.round((value.tolerance ?? 0.1) * 100);
        precision = `approximate (±${share}%): counts as ${num(value.low)} to ${num(value.high)}`;
      } else if (a === 'range') {
        precision = `a range: ${num(value.low)} to ${num(value.high)}`;
      } else if (a === 'at_least') {
        precision = `a lower bound: ${num(value.low)} or more`;
      } else if (a === 'at_most') {
        precision = `an upper bound: ${num(value.high)} or fewer`;
      } else {
        precision = 'exact figure';
      }
      return { main, precision };
    }
    case 'time': {
      const when = partialDate({ date: value.date, precision: value.precision });
      const mod = modifierWord(value.modifier);
      return {
        main: mod ? `${mod} ${when}` : when,
        precision: `${precisionWord[value.precision]} precision${periodNote(value)}`,
      };
    }
    case 'stance':
      return { main: `${value.stance} that ${value.proposition}`, precision: 'a stance on a proposition', stance: value.stance, proposition: value.proposition };
    case 'text':
      return { main: value.text, precision: 'a statement (text is never compared by rule)' };
    case 'none':
      return { main: 'none', precision: 'states that there is none' };
    case 'unknown':
      return { main: 'unknown', precision: 'states that it is not known' };
    default:
      return { main: value.kind, precision: '' };
  }
}

function periodNote(value) {
  const { year, month } = dateParts(value.date);
  if (value.precision === 'month') return `: the whole of ${MONTHS[month - 1]} ${year}, not its first day`;
  if (value.precision === 'year') return `: the whole year ${year}`;
  return '';
}

/** Who asserts a claim: the named asserter, or the reporting source's own voice. */
export function asserter(claim, outlet) {
  if (claim.assertedBy) return claim.assertedBy.name;
  return outlet ? `${outlet} (own voice)` : "the source's own voice";
}

export const ruleWords = {
  none_vs_value: 'one says none, the other gives a figure',
  quantity: 'the figures cannot both be true',
  time: 'the dates do not overlap',
  stance: 'opposite stances on the same proposition',
  contradicts: 'linked as contradicting by a curator',
  breakdown: 'the parts add up to more than the whole',
  exceeds_broader: 'a part counts more than its whole',
};

export const scopeWords = {
  between_reports: 'between reports',
  internal: 'internal: one voice contradicts itself',
};

const AS_OF_BASIS = {
  valid: 'from its own date',
  stated: 'from when it was said',
  published: 'from the report’s date',
};

/** A day (YYYY-MM-DD) as a date in words. */
const dayText = date => partialDate({ date, precision: 'day' });

/**
 * A period of days in words at the precision it covers: a whole month is "September 2024" and a whole year "2024",
 * never their first day.
 */
export function periodText(start, end) {
  if (start && end) {
    const a = dateParts(start);
    const b = dateParts(end);
    if (start === end) return dayText(start);
    if (a.day === 1 && a.month === 1 && b.month === 12 && b.day === 31) {
      return a.year === b.year ? String(a.year) : `${a.year} to ${b.year}`;
    }
    if (a.day === 1 && b.day === daysInMonth(b.year, b.month)) {
      const from = partialDate({ date: start, precision: 'month' });
      const to = partialDate({ date: end, precision: 'month' });
      return from === to ? from : `${from} to ${to}`;
    }
    return `${dayText(start)} to ${dayText(end)}`;
  }
  if (start) return `from ${dayText(start)}`;
  if (end) return `until ${dayText(end)}`;
  return '';
}

/** As of when a claim's value holds and what that rests on: "September 2024, from the report’s date". */
export function asOfText(asOf) {
  if (!asOf) return 'undated: neither the claim nor its reports give a date';
  return `${periodText(asOf.start, asOf.end)}, ${AS_OF_BASIS[asOf.basis] || asOf.basis}`;
}

/** Valid time in words, or why there is none. */
export function validTimeText(claim) {
  const vt = claim.validTime;
  if (!vt || (!vt.from && !vt.to)) return 'no date of its own: holds as of its report';
  if (vt.from && vt.to && vt.from.date === vt.to.date) return partialDate(vt.from);
  if (vt.from && vt.to) return `${partialDate(vt.from)} to ${partialDate(vt.to)}`;
  if (vt.from) return `from ${partialDate(vt.from)}`;
  return `until ${partialDate(vt.to)}`;
}

export function plural(n, one, many = `${one}s`) {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** Truncates on a word boundary. */
export function clip(text, max = 120) {
  if (!text || text.length <= max) return text || '';
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max * 0.6 ? space : max)}…`;
}
