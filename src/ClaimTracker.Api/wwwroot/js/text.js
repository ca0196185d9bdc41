// Offsets in the API count Unicode code points; the DOM counts UTF-16 units. This maps between the two for one
// text, so that a passage over an emoji (two UTF-16 units, one code point) is highlighted where it really is.

export class CodePointText {
  constructor(text) {
    this.text = text;
    this.points = Array.from(text);
    // utf16[i] = UTF-16 index where code point i starts; utf16[length] = text.length.
    this.utf16 = new Array(this.points.length + 1);
    let at = 0;
    for (let i = 0; i < this.points.length; i += 1) {
      this.utf16[i] = at;
      at += this.points[i].length;
    }
    this.utf16[this.points.length] = at;
  }

  get length() {
    return this.points.length;
  }

  slice(start, end) {
    return this.points.slice(start, end).join('');
  }

  /** The code-point index of a UTF-16 index (rounded down inside a surrogate pair). */
  fromUtf16(index) {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.utf16[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Narrows [start, end) so that it neither starts nor ends with white space. */
  trim(start, end) {
    while (start < end && /\s/u.test(this.points[start])) start += 1;
    while (end > start && /\s/u.test(this.points[end - 1])) end -= 1;
    return [start, end];
  }
}

/**
 * Cuts the text at every passage boundary. Each segment lists the passages covering it and those starting at it,
 * so overlapping and nested passages both render (as adjacent marks) without losing a character.
 */
export function segments(cpText, spans) {
  const n = cpText.length;
  const usable = spans.filter(s => s.start >= 0 && s.end <= n && s.start < s.end);
  const cuts = new Set([0, n]);
  for (const s of usable) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const result = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const a = points[i];
    const b = points[i + 1];
    const covering = usable.filter(s => s.start <= a && s.end >= b);
    result.push({
      start: a,
      end: b,
      text: cpText.slice(a, b),
      covering,
      starting: covering.filter(s => s.start === a),
    });
  }
  return result;
}

/** The UTF-16 offset of (node, offset) inside container, counting only text. */
export function textOffset(container, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}
