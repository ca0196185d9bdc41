// The page: one HTML shell, one view at a time, chosen by ?view= so that every screen is a shareable URL.
import { problemView } from './api.js';
import { fill, h, link } from './dom.js';
import { setUpKeyDialog } from './key.js';
import * as home from './views/home.js';
import * as reader from './views/reader.js';
import * as claims from './views/claims.js';
import * as figures from './views/figures.js';
import * as conflicts from './views/conflicts.js';
import * as timeline from './views/timeline.js';
import * as imports from './views/imports.js';

const views = { home, reader, claims, figures, conflicts, timeline, import: imports };

let controller = null;

function replaceUrl(url) {
  history.replaceState(null, '', url);
}

function navigate(url, { replace = false, keepScroll = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route({ focus: true, keepScroll });
}

async function route({ focus = false, keepScroll = false } = {}) {
  const params = new URLSearchParams(location.search);
  const name = params.get('view') || 'home';
  const view = views[name];
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;

  for (const a of document.querySelectorAll('.nav a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  main.dataset.view = name;
  main.setAttribute('aria-busy', 'true');
  delete main.dataset.ready;
  if (!keepScroll) window.scrollTo(0, 0);

  try {
    if (!view) {
      document.title = 'Not found · ClaimTracker';
      fill(main, h('h1', null, 'No such view'), h('p', null, `There is no view called “${name}”. `, link('/', null, 'Go to the start page')));
    } else {
      await view.render(main, params, { signal, navigate, replaceUrl });
    }
  } catch (e) {
    if (e.name === 'AbortError' || signal.aborted) return;
    fill(main, h('h1', null, 'This view could not be loaded'), problemView(e));
  }
  if (signal.aborted) return;
  main.setAttribute('aria-busy', 'false');
  main.dataset.ready = 'true';
  // A view that put the focus on one of its own controls (the reader, after a decision) keeps it there.
  if (focus && !(main.contains(document.activeElement) && document.activeElement !== main)) main.focus({ preventScroll: true });
}

document.addEventListener('click', event => {
  const a = event.target.closest('a[data-nav]');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname !== '/') return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => route());

setUpKeyDialog();
route();
