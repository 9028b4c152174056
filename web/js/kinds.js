// The catalogue of unit kinds (GET /kinds), named in the current language.
import { get } from './api.js';
import { getLang } from './i18n.js';

let kinds = null;
let pending = null;

export async function loadKinds() {
  if (kinds) return kinds;
  if (!pending) {
    pending = get('/kinds').then((r) => {
      kinds = Array.isArray(r) ? r : (r && r.items) || [];
      return kinds;
    }).finally(() => { pending = null; });
  }
  return pending;
}

export function allKinds() { return kinds || []; }

export function kindName(code) {
  const k = (kinds || []).find((x) => x.code === code);
  if (!k) return code || '';
  return (getLang() === 'en' ? k.name_en : k.name_vi) || k.name_vi || code;
}

export function resetKinds() { kinds = null; }
