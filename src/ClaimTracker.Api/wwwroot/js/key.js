// The curator key: entered once in a dialog, kept in localStorage, shown in the masthead.
import { apiKey } from './api.js';

let pending = [];

export function setUpKeyDialog() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  const button = document.getElementById('key-button');
  const label = document.getElementById('key-label');
  const forget = document.getElementById('key-forget');

  const show = () => {
    const has = Boolean(apiKey.get());
    label.textContent = has ? 'Curator key set' : 'Curator key';
    button.classList.toggle('has-key', has);
    button.setAttribute('aria-label', has ? 'Curator key set: change or forget it' : 'Enter a curator key');
    forget.hidden = !has;
  };
  show();
  document.addEventListener('apikeychange', show);

  button.addEventListener('click', () => openKeyDialog());
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save' && input.value.trim()) apiKey.set(input.value.trim());
    if (dialog.returnValue === 'forget') apiKey.clear();
    input.value = '';
    const ok = Boolean(apiKey.get()) && dialog.returnValue === 'save';
    const waiting = pending;
    pending = [];
    waiting.forEach(resolve => resolve(ok));
  });
}

export function openKeyDialog() {
  const dialog = document.getElementById('key-dialog');
  if (!dialog.open) dialog.showModal();
  document.getElementById('key-input').focus();
  return new Promise(resolve => pending.push(resolve));
}

/** Resolves true when a key is available, asking for one first if needed. */
export async function ensureKey() {
  if (apiKey.get()) return true;
  return openKeyDialog();
}
