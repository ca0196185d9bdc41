// Building DOM without innerHTML: every piece of data becomes a text node, so nothing from the API is ever parsed
// as markup (and the page needs no inline script or style to work under a strict Content-Security-Policy).

/**
 * h('a', { href: '/x', class: 'link', onclick: fn, dataset: { id: 1 }, 'aria-label': 'x' }, 'text', child, [more])
 * Attributes whose value is null, undefined or false are left out; true sets an empty attribute.
 */
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') {
        el.addEventListener(name.slice(2), value);
      } else if (name === 'dataset') {
        for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) el.dataset[k] = String(v);
      } else if (name === 'class') {
        el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
      } else if (name === 'value' && 'value' in el && tag !== 'option' && tag !== 'button') {
        el.value = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  clear(el);
  return append(el, children);
}

/** A link inside the app: same-origin, handled by the router without a page load. */
export function link(href, attrs, ...children) {
  return h('a', { href, 'data-nav': true, ...attrs }, ...children);
}

/** A URL of the page with these query parameters (empty ones left out). */
export function pageUrl(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach(x => x !== '' && x !== null && x !== undefined && search.append(k, x));
    else if (v !== '' && v !== null && v !== undefined && v !== false) search.set(k, v);
  }
  const s = search.toString();
  return s ? `/?${s}` : '/';
}

let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
