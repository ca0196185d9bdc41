// A curator's new claim from a passage selected in the reader: POST /claims with the passage's offsets as evidence.
// Subjects and asserters named that do not exist yet are created first (POST /subjects).
import { api, getAll, get, problemView } from '../api.js';
import { fill, h, uid } from '../dom.js';
import { ensureKey } from '../key.js';

const DATE_PATTERN = '\\d{4}(-\\d{2}(-\\d{2})?)?';

/** Opens the form; resolves to the created ClaimDetail, or null when cancelled. */
export async function openClaimForm({ source, selection }) {
  if (!(await ensureKey())) return null;
  const [subjects, properties] = await Promise.all([getAll('/subjects'), get('/properties')]);
  return new Promise(resolve => new ClaimForm(source, selection, subjects.items, properties, resolve).show());
}

function field(label, input, hint) {
  const id = input.id || uid('f');
  input.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint' }, hint) : null);
}

function parseNumber(text) {
  const cleaned = String(text).trim().replace(/[,\s\u00a0\u202f_]/g, '');
  if (cleaned === '') return null;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : NaN;
}

class ClaimForm {
  constructor(source, selection, subjects, properties, resolve) {
    Object.assign(this, { source, selection, subjects, properties, resolve });
    this.names = new Map();
    for (const s of subjects) for (const name of [s.name, ...s.aliases]) this.names.set(name.toLowerCase(), s);
    this.result = null;
  }

  show() {
    const listId = uid('subjects');
    const datalist = h('datalist', { id: listId }, this.subjects.map(s => h('option', { value: s.name })));

    this.subject = h('input', { name: 'subject', required: true, list: listId, autocomplete: 'off', dataset: { field: 'subject' } });
    this.subjectNew = h('p', { class: 'hint new-subject', hidden: true });
    this.broader = h('input', { name: 'broader', list: listId, autocomplete: 'off', dataset: { field: 'broader' } });
    this.broaderField = field('Part of (broader subject, optional)', this.broader, 'So the claim also shows on that subject’s timeline.');
    this.broaderField.hidden = true;
    this.subject.addEventListener('input', () => this.checkSubject());

    const byType = { quantity: [], time: [], stance: [], text: [] };
    for (const p of this.properties) (byType[p.valueType] ||= []).push(p);
    this.property = h('select', { name: 'property', required: true, dataset: { field: 'property' } },
      h('option', { value: '' }, 'Choose what is claimed…'),
      Object.entries(byType).filter(([, list]) => list.length).map(([type, list]) => h('optgroup', { label: typeLabel(type) },
        list.map(p => h('option', { value: p.key }, `${p.label}${p.unit ? ` (${p.unit})` : ''}`)))));
    this.property.addEventListener('change', () => this.drawValue());

    this.valueBox = h('fieldset', { class: 'value-fields' }, h('legend', null, 'Value'), h('p', { class: 'hint' }, 'Choose a property first.'));
    this.statedAs = h('input', { name: 'statedAs', value: this.selection.exact.length <= 1000 ? this.selection.exact : '', dataset: { field: 'value.statedAs' } });
    this.asserter = h('input', { name: 'assertedBy', list: listId, autocomplete: 'off', placeholder: `${this.source.outlet || 'The source'}’s own voice`, dataset: { field: 'assertedBy' } });
    this.asserterNew = h('p', { class: 'hint new-subject', hidden: true });
    this.asserter.addEventListener('input', () => this.checkAsserter());
    this.validAt = h('input', { name: 'validAt', pattern: DATE_PATTERN, placeholder: 'YYYY, YYYY-MM or YYYY-MM-DD', dataset: { field: 'validAt' } });
    this.statedOn = h('input', { name: 'statedOn', pattern: DATE_PATTERN, placeholder: 'YYYY, YYYY-MM or YYYY-MM-DD', dataset: { field: 'statedOn' } });
    this.status = h('select', { name: 'status', dataset: { field: 'status' } },
      h('option', { value: 'draft' }, 'draft: read from the text, to be checked'),
      h('option', { value: 'verified' }, 'verified: the text says so plainly'));
    this.note = h('textarea', { name: 'note', rows: 2, dataset: { field: 'note' } });
    this.problemBox = h('div', { class: 'form-problem' });
    this.submit = h('button', { type: 'submit', class: 'primary' }, 'Create claim');

    this.form = h('form', { class: 'dialog-form claim-form', novalidate: true, onsubmit: e => { e.preventDefault(); this.save(); } },
      h('h2', { id: 'claim-form-title' }, 'New claim'),
      h('div', { class: 'form-passage' },
        h('p', { class: 'hint' }, `Evidence: code points ${this.selection.start}–${this.selection.end} of “${this.source.title}”`),
        h('blockquote', null, this.selection.exact)),
      datalist,
      h('div', { class: 'form-grid' },
        field('Subject: what the claim is about', this.subject, 'An existing subject (name or alias), or a new name.'),
        this.subjectNew,
        this.broaderField,
        field('Property', this.property)),
      this.valueBox,
      field('In the words of the text', this.statedAs, 'The words that state the value, as printed.'),
      h('div', { class: 'form-grid' },
        field('Asserted by', this.asserter, 'Who says so; leave empty when it is the source’s own voice.'),
        this.asserterNew,
        field('Holds at (optional)', this.validAt, 'When the fact holds; leave empty for “as of the report”.'),
        field('Said on (optional)', this.statedOn),
        field('Status', this.status)),
      field('Note (optional)', this.note),
      this.problemBox,
      h('div', { class: 'dialog-actions' },
        this.submit,
        h('button', { type: 'button', onclick: () => this.dialog.close() }, 'Cancel')));

    this.dialog = h('dialog', { class: 'form-dialog', 'aria-labelledby': 'claim-form-title' }, this.form);
    this.dialog.addEventListener('close', () => {
      this.dialog.remove();
      this.resolve(this.result);
    });
    document.body.append(this.dialog);
    this.dialog.showModal();
    this.subject.focus();
  }

  checkSubject() {
    const name = this.subject.value.trim();
    const isNew = name !== '' && !this.names.has(name.toLowerCase());
    this.subjectNew.hidden = !isNew;
    this.broaderField.hidden = !isNew;
    this.subjectNew.textContent = isNew ? `“${name}” is a new subject: it will be added.` : '';
  }

  checkAsserter() {
    const name = this.asserter.value.trim();
    const isNew = name !== '' && !this.names.has(name.toLowerCase());
    this.asserterNew.hidden = !isNew;
    this.asserterNew.textContent = isNew ? `“${name}” is new: it will be added as a subject.` : '';
  }

  drawValue() {
    const property = this.properties.find(p => p.key === this.property.value);
    this.valueType = property?.valueType;
    this.kind = h('select', { name: 'kind', dataset: { field: 'value.kind' } },
      h('option', { value: 'value' }, 'a value'),
      h('option', { value: 'none' }, 'none (there is none)'),
      h('option', { value: 'unknown' }, 'unknown (not known)'));
    const parts = [h('legend', null, property ? `Value: ${property.label}` : 'Value')];
    if (!property) {
      parts.push(h('p', { class: 'hint' }, 'Choose a property first.'));
    } else if (property.valueType === 'quantity') {
      const figure = (this.selection.exact.match(/\d[\d,]*(\.\d+)?/) || [''])[0];
      this.amount = h('input', { name: 'amount', inputmode: 'decimal', value: figure, dataset: { field: 'value.amount' } });
      this.approximation = h('select', { name: 'approximation', dataset: { field: 'value.approximation' } },
        h('option', { value: 'exact' }, 'exactly'),
        h('option', { value: 'approximate', selected: /\b(about|some|nearly|roughly|around|approximately)\b/i.test(this.selection.exact) }, 'about (±10%)'),
        h('option', { value: 'at_least' }, 'at least'),
        h('option', { value: 'at_most' }, 'at most'),
        h('option', { value: 'range' }, 'a range'));
      this.lower = h('input', { name: 'lowerBound', inputmode: 'decimal', dataset: { field: 'value.lowerBound' } });
      this.upper = h('input', { name: 'upperBound', inputmode: 'decimal', dataset: { field: 'value.upperBound' } });
      this.unit = h('input', { name: 'unit', value: property.unit || '', dataset: { field: 'value.unit' } });
      const bounds = h('div', { class: 'form-grid' }, field('From', this.lower), field('To', this.upper));
      bounds.hidden = true;
      this.approximation.addEventListener('change', () => { bounds.hidden = this.approximation.value !== 'range'; });
      parts.push(h('div', { class: 'form-grid' }, field('The text says', this.kind), field('Stated', this.approximation),
        field('Amount', this.amount, '2,500 or 2500'), field('Unit', this.unit)), bounds);
    } else if (property.valueType === 'time') {
      this.date = h('input', { name: 'date', pattern: DATE_PATTERN, placeholder: 'YYYY, YYYY-MM or YYYY-MM-DD', dataset: { field: 'value.date' } });
      this.modifier = h('select', { name: 'modifier', dataset: { field: 'value.modifier' } },
        ['on', 'by', 'before', 'after', 'from', 'until'].map(m => h('option', { value: m, selected: m === 'by' && /\bby\b/i.test(this.selection.exact) }, m)));
      parts.push(h('div', { class: 'form-grid' }, field('The text says', this.kind), field('When', this.modifier),
        field('Date, as precise as the text', this.date, 'A month stays a month: write 2026-09 for “September 2026”.')));
    } else if (property.valueType === 'stance') {
      this.stance = h('select', { name: 'stance', dataset: { field: 'value.stance' } },
        h('option', { value: 'affirms' }, 'affirms'), h('option', { value: 'denies' }, 'denies'));
      this.proposition = h('input', { name: 'proposition', dataset: { field: 'value.proposition' } });
      parts.push(h('div', { class: 'form-grid' }, field('The asserter', this.stance),
        field('that (the proposition)', this.proposition, 'Word it the same way as other claims on it, so they can be compared.')));
    } else {
      this.textValue = h('textarea', { name: 'text', rows: 3, dataset: { field: 'value.text' } }, this.selection.exact);
      parts.push(field('What is stated', this.textValue));
    }
    fill(this.valueBox, parts);
  }

  value() {
    const kind = this.kind?.value === 'none' || this.kind?.value === 'unknown' ? this.kind.value : this.valueType;
    const statedAs = this.statedAs.value.trim() || null;
    if (kind === 'none' || kind === 'unknown') return { kind, statedAs };
    switch (kind) {
      case 'quantity': {
        const v = { kind, amount: parseNumber(this.amount.value), approximation: this.approximation.value, unit: this.unit.value.trim() || null, statedAs };
        if (v.approximation === 'range') {
          v.lowerBound = parseNumber(this.lower.value);
          v.upperBound = parseNumber(this.upper.value);
        }
        for (const [name, n] of Object.entries({ amount: v.amount, lowerBound: v.lowerBound, upperBound: v.upperBound })) {
          if (Number.isNaN(n)) throw new FieldError(`value.${name}`, 'must be a number, such as 2500 or 2,500.');
        }
        return v;
      }
      case 'time':
        return { kind, date: this.date.value.trim(), modifier: this.modifier.value, statedAs };
      case 'stance':
        return { kind, stance: this.stance.value, proposition: this.proposition.value.trim(), statedAs };
      case 'text':
        return { kind, text: this.textValue.value.trim(), statedAs };
      default:
        throw new FieldError('property', 'choose a property.');
    }
  }

  markInvalid(errors) {
    for (const input of this.form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    for (const key of Object.keys(errors || {})) {
      const input = this.form.querySelector(`[data-field="${CSS.escape(key)}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }

  async ensureSubject(name, broader) {
    if (!name || this.names.has(name.toLowerCase())) return;
    const { data } = await api('/subjects', { method: 'POST', body: { name, broader: broader || null } });
    this.names.set(name.toLowerCase(), data);
  }

  async save() {
    fill(this.problemBox);
    this.markInvalid({});
    let body;
    try {
      body = {
        subject: this.subject.value.trim(),
        property: this.property.value,
        value: this.value(),
        evidence: [{ sourceId: this.source.id, start: this.selection.start, end: this.selection.end }],
        assertedBy: this.asserter.value.trim() || null,
        validAt: this.validAt.value.trim() || null,
        statedOn: this.statedOn.value.trim() || null,
        status: this.status.value,
        note: this.note.value.trim() || null,
      };
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      this.markInvalid({ [e.field]: [e.message] });
      fill(this.problemBox, h('div', { class: 'problem', role: 'alert' }, h('p', { class: 'problem-title' }, h('strong', null, 'Check the form.')),
        h('ul', { class: 'problem-errors' }, h('li', null, h('code', null, e.field), `: ${e.message}`))));
      return;
    }
    this.submit.disabled = true;
    try {
      await this.ensureSubject(body.subject, this.broader.value.trim());
      await this.ensureSubject(body.assertedBy);
      const { data } = await api('/claims', { method: 'POST', body });
      this.result = data;
      this.dialog.close();
    } catch (e) {
      this.markInvalid(e.problem?.errors);
      fill(this.problemBox, problemView(e));
      this.problemBox.scrollIntoView({ block: 'nearest' });
    } finally {
      this.submit.disabled = false;
    }
  }
}

class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

function typeLabel(type) {
  return { quantity: 'Figures', time: 'Dates', stance: 'Positions', text: 'Statements' }[type] || type;
}
