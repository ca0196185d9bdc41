// A curator adds a source by pasting its text: POST /sources.
import { api, problemView } from '../api.js';
import { append, fill, h, link, uid } from '../dom.js';
import { readerUrl } from '../components.js';
import { ensureKey } from '../key.js';

/** Opens the form; resolves to the created SourceDetail, or null when cancelled. */
export async function openSourceForm() {
  if (!(await ensureKey())) return null;
  return new Promise(resolve => {
    let result = null;
    const input = (name, attrs = {}) => h('input', { name, id: uid(name), dataset: { field: name }, ...attrs });
    const title = input('title', { required: true });
    const outlet = input('outlet');
    const authors = input('authors', { placeholder: 'Comma-separated' });
    const published = input('published', { placeholder: 'YYYY, YYYY-MM or YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?' });
    const url = input('url', { type: 'url', placeholder: 'https://…' });
    const language = input('language', { value: 'en', required: true });
    const body = h('textarea', { name: 'body', id: uid('body'), rows: 14, required: true, dataset: { field: 'body' } });
    const problemBox = h('div', { class: 'form-problem' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Add source');
    const field = (label, el, hint) => h('div', { class: 'field' }, h('label', { for: el.id }, label), el, hint ? h('p', { class: 'hint' }, hint) : null);

    const form = h('form', { class: 'dialog-form', novalidate: true },
      h('h2', { id: 'source-form-title' }, 'Add a source'),
      h('p', { class: 'hint' }, 'Paste the article’s full text exactly as published: passages are anchored in it character by character.'),
      h('div', { class: 'form-grid' },
        field('Title', title), field('Outlet', outlet), field('Authors', authors), field('Published', published, 'Only as precisely as known.'),
        field('Address (optional)', url), field('Language', language, 'A BCP 47 tag: en, ar, fr…')),
      field('Text', body),
      problemBox,
      h('div', { class: 'dialog-actions' }, submit, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')));

    const dialog = h('dialog', { class: 'form-dialog', 'aria-labelledby': 'source-form-title' }, form);
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });

    form.addEventListener('submit', async event => {
      event.preventDefault();
      fill(problemBox);
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      const list = authors.value.split(',').map(a => a.trim()).filter(Boolean);
      const request = {
        title: title.value.trim(),
        body: body.value,
        language: language.value.trim(),
        outlet: outlet.value.trim() || null,
        authors: list.length ? list : null,
        published: published.value.trim() || null,
        url: url.value.trim() || null,
      };
      submit.disabled = true;
      try {
        const { data } = await api('/sources', { method: 'POST', body: request });
        result = data;
        dialog.close();
      } catch (e) {
        for (const key of Object.keys(e.problem?.errors || {})) form.querySelector(`[data-field="${CSS.escape(key)}"]`)?.setAttribute('aria-invalid', 'true');
        fill(problemBox, problemView(e));
        if (e.problem?.existingSourceId) {
          append(problemBox, h('p', null, link(readerUrl(e.problem.existingSourceId), { onclick: () => dialog.close() }, 'Open the source that has it')));
        }
        problemBox.scrollIntoView({ block: 'nearest' });
      } finally {
        submit.disabled = false;
      }
    });

    document.body.append(dialog);
    dialog.showModal();
    title.focus();
  });
}
