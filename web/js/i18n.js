// Translations: web/i18n/<lang>.json, Vietnamese by default, the choice kept in localStorage.
const LANGS = ['vi', 'en'];
const KEY = 'cadre.lang';
const dicts = {};
let lang = 'vi';
const listeners = new Set();

async function load(l) {
  if (dicts[l]) return dicts[l];
  const res = await fetch(new URL(`../i18n/${l}.json`, import.meta.url), { credentials: 'same-origin' });
  dicts[l] = res.ok ? await res.json() : {};
  return dicts[l];
}

export async function initI18n() {
  let saved = null;
  try { saved = localStorage.getItem(KEY); } catch { /* storage disabled */ }
  lang = LANGS.includes(saved) ? saved : 'vi';
  await Promise.all([load('vi'), load(lang)]);
  document.documentElement.lang = lang;
}

export function getLang() { return lang; }
export function languages() { return LANGS; }

export async function setLang(l) {
  if (!LANGS.includes(l) || l === lang) return;
  await load(l);
  lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* ignore */ }
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn) { listeners.add(fn); }

// t('tree.count', {n: 5}) → the string with {n} replaced.
export function t(key, params) {
  let s = dicts[lang]?.[key] ?? dicts.vi?.[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

// Count-aware: uses "<key>_one" when n is 1 and the language has it.
export function tn(key, n, params) {
  const one = `${key}_one`;
  const k = n === 1 && dicts[lang]?.[one] ? one : key;
  return t(k, { n: formatNumber(n), ...params });
}

export function formatNumber(n) {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}
