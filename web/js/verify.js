// The public verification page (/verify and /verify/CODE), served without login: the public
// view of an issued document found by its code, and the check of a dropped PDF (its bytes are
// posted to /api/v1/public/verify; the server answers its SHA-256, whether it is byte-identical
// to a document cadre issued, and the report of its digital signatures). Its own small
// dictionary (Vietnamese and English); the language choice is shared with the main UI.
// All data is inserted as text nodes (dom.js), never as HTML.
import { h, mount } from './dom.js';

const LANG_KEY = 'cadre.lang';
const CODE_RE = /^[1-9][0-9]{14}$/;

const STR = {
  vi: {
    'title': 'Xác minh văn bản',
    'intro': 'Kiểm tra một văn bản do cadre ban hành: tra cứu theo mã in trên văn bản (mã QR), hoặc thả tệp PDF bạn nhận được để xem tệp có đúng từng byte với bản phát hành và chữ ký số có hợp lệ không. Không cần đăng nhập; tệp chỉ được kiểm tra, không được lưu lại.',
    'code.label': 'Mã tra cứu',
    'code.hint': '15 chữ số, in cạnh mã QR trên văn bản',
    'code.submit': 'Tra cứu',
    'code.bad': 'Mã tra cứu gồm 15 chữ số.',
    'doc.heading': 'Văn bản đã ban hành',
    'doc.loading': 'Đang tra cứu…',
    'doc.notfound': 'Không tìm thấy văn bản đã ban hành nào có mã này.',
    'doc.error': 'Không tra cứu được: {msg}',
    'doc.symbol': 'Số, ký hiệu',
    'doc.type': 'Loại văn bản',
    'doc.issuer': 'Cơ quan ban hành',
    'doc.date': 'Ngày ban hành',
    'doc.subject': 'Trích yếu',
    'doc.withheld': 'Không công khai (văn bản có độ mật)',
    'doc.signers': 'Người ký',
    'doc.no_signers': 'Ký trên giấy (không có chữ ký số trong cadre)',
    'doc.status': 'Tình trạng',
    'doc.sha256': 'Mã băm SHA-256 của bản phát hành',
    'doc.code': 'Mã tra cứu',
    'doc.open': 'Mở trang của văn bản này',
    'status.issued': 'Đã ban hành',
    'status.replaced': 'Đã bị thay thế bởi văn bản khác',
    'drop.heading': 'Kiểm tra tệp PDF',
    'drop.text': 'Thả tệp PDF vào đây, hoặc bấm để chọn tệp',
    'drop.busy': 'Đang kiểm tra {name}…',
    'result.heading': 'Kết quả kiểm tra',
    'result.file': 'Tệp',
    'result.sha256': 'Mã băm SHA-256 của tệp',
    'result.known': 'Tệp trùng khớp từng byte với một văn bản do cadre ban hành.',
    'result.unknown': 'Tệp không trùng khớp với văn bản nào do cadre ban hành (có thể là bản khác, đã bị sửa, hoặc không do cadre ban hành).',
    'result.same': 'Đây đúng là bản phát hành của văn bản trên.',
    'result.other': 'Tệp này KHÔNG phải bản phát hành của văn bản trên: mã băm khác.',
    'sig.heading': 'Chữ ký số',
    'sig.all_valid': 'Mọi chữ ký số đều hợp lệ và chữ ký cuối bao trọn tệp.',
    'sig.none': 'Tệp không có chữ ký số.',
    'sig.invalid': 'Chữ ký số không hợp lệ: {msg}',
    'sig.valid': 'Hợp lệ',
    'sig.bad': 'Không hợp lệ',
    'sig.revoked': 'Chứng thư đã bị thu hồi',
    'sig.at': 'Thời điểm ký',
    'sig.org': 'Tổ chức',
    'sig.partial': 'Chữ ký này không bao trọn tệp (tệp đã được thêm nội dung sau khi ký).',
    'err.not_pdf': 'Tệp không phải PDF hợp lệ: {msg}',
    'err.too_large': 'Tệp quá lớn để kiểm tra trực tuyến.',
    'err.throttled': 'Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau một phút.',
    'err.network': 'Không kết nối được máy chủ.',
    'vn_time': 'giờ Việt Nam',
    'language': 'Ngôn ngữ',
  },
  en: {
    'title': 'Verify a document',
    'intro': 'Check a document issued by cadre: look it up by the code printed on it (the QR code), or drop the PDF you received to see whether it is byte-identical to the issued copy and whether its digital signatures are valid. No login needed; the file is only checked, never stored.',
    'code.label': 'Verification code',
    'code.hint': '15 digits, printed next to the QR code on the document',
    'code.submit': 'Look up',
    'code.bad': 'A verification code has 15 digits.',
    'doc.heading': 'Issued document',
    'doc.loading': 'Looking up…',
    'doc.notfound': 'No issued document has this code.',
    'doc.error': 'The lookup failed: {msg}',
    'doc.symbol': 'Number and symbol',
    'doc.type': 'Type',
    'doc.issuer': 'Issued by',
    'doc.date': 'Date',
    'doc.subject': 'Subject',
    'doc.withheld': 'Not public (the document is classified)',
    'doc.signers': 'Signed by',
    'doc.no_signers': 'Signed on paper (no digital signature in cadre)',
    'doc.status': 'Status',
    'doc.sha256': 'SHA-256 of the issued file',
    'doc.code': 'Verification code',
    'doc.open': 'Open this document\'s page',
    'status.issued': 'Issued',
    'status.replaced': 'Replaced by another document',
    'drop.heading': 'Check a PDF file',
    'drop.text': 'Drop a PDF file here, or click to choose one',
    'drop.busy': 'Checking {name}…',
    'result.heading': 'Result of the check',
    'result.file': 'File',
    'result.sha256': 'SHA-256 of the file',
    'result.known': 'The file is byte-identical to a document issued by cadre.',
    'result.unknown': 'The file matches no document issued by cadre (another version, modified, or not issued by cadre).',
    'result.same': 'This is exactly the issued copy of the document above.',
    'result.other': 'This file is NOT the issued copy of the document above: the hash differs.',
    'sig.heading': 'Digital signatures',
    'sig.all_valid': 'Every digital signature is valid and the last one covers the whole file.',
    'sig.none': 'The file has no digital signature.',
    'sig.invalid': 'The digital signatures are not valid: {msg}',
    'sig.valid': 'Valid',
    'sig.bad': 'Not valid',
    'sig.revoked': 'The certificate is revoked',
    'sig.at': 'Signed at',
    'sig.org': 'Organization',
    'sig.partial': 'This signature does not cover the whole file (content was added after signing).',
    'err.not_pdf': 'The file is not a valid PDF: {msg}',
    'err.too_large': 'The file is too large to check online.',
    'err.throttled': 'Too many checks from your address. Please try again in a minute.',
    'err.network': 'The server cannot be reached.',
    'vn_time': 'Vietnam time',
    'language': 'Language',
  },
};

let lang = 'vi';
try { lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi'; } catch { /* storage disabled */ }

function t(key, params) {
  let s = STR[lang][key] ?? STR.vi[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

const state = {
  code: '',        // the code of the page (/verify/CODE), or ''
  doc: null,       // its public view
  docState: 'none', // none | loading | ok | notfound | error
  docError: '',
  busy: '',        // the name of the file being checked
  result: null,    // the answer of POST /public/verify
  resultError: '',
};

// --- formatting ---

function fmtDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (s || '');
}

function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso || '';
  const f = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  });
  return `${f.format(d)} (${t('vn_time')})`;
}

function fmtCode(c) {
  return String(c).replace(/(\d{3})(?=\d)/g, '$1 ');
}

// --- talking to the server (no cookie is sent: the page needs no login) ---

async function apiJson(res) {
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  return data;
}

async function loadDoc() {
  state.docState = 'loading';
  render();
  if (!CODE_RE.test(state.code)) {
    state.docState = 'notfound';
    render();
    return;
  }
  try {
    const res = await fetch(`/api/v1/public/documents/${encodeURIComponent(state.code)}`, {
      headers: { Accept: 'application/json' }, credentials: 'omit',
    });
    const data = await apiJson(res);
    if (res.ok && data) {
      state.doc = data;
      state.docState = 'ok';
    } else if (res.status === 404 || res.status === 400) {
      state.docState = 'notfound';
    } else {
      state.docState = 'error';
      state.docError = res.status === 429 ? t('err.throttled') : (data?.error?.message || String(res.status));
    }
  } catch {
    state.docState = 'error';
    state.docError = t('err.network');
  }
  render();
}

async function checkFile(file) {
  if (!file || state.busy) return;
  state.busy = file.name || 'PDF';
  state.result = null;
  state.resultError = '';
  render();
  try {
    const body = await file.arrayBuffer();
    const res = await fetch('/api/v1/public/verify', {
      method: 'POST', body, credentials: 'omit',
      headers: { Accept: 'application/json', 'Content-Type': 'application/pdf' },
    });
    const data = await apiJson(res);
    if (res.ok && data) {
      state.result = { ...data, fileName: state.busy };
    } else if (res.status === 413) {
      state.resultError = t('err.too_large');
    } else if (res.status === 429) {
      state.resultError = t('err.throttled');
    } else if (res.status === 422 || res.status === 400) {
      state.resultError = t('err.not_pdf', { msg: data?.error?.message || '' });
    } else {
      state.resultError = data?.error?.message || String(res.status);
    }
  } catch {
    state.resultError = t('err.network');
  }
  state.busy = '';
  render();
}

// --- rendering ---

function row(label, value, testid) {
  return [h('dt', null, label), h('dd', { 'data-testid': testid }, value)];
}

function docCard(doc, { link = false } = {}) {
  const type = doc.type ? (lang === 'vi' ? doc.type.name_vi : doc.type.name_en) || doc.type.code : '';
  const signers = doc.signers && doc.signers.length
    ? h('ul', { class: 'v-signers' }, doc.signers.map((s) => h('li', { 'data-testid': 'verify-signer' },
      h('strong', null, s.name), ' — ', fmtTime(s.signed_at))))
    : h('span', { class: 'v-muted' }, t('doc.no_signers'));
  const subject = doc.withheld
    ? h('span', { class: 'v-muted', 'data-testid': 'verify-withheld' }, t('doc.withheld'))
    : doc.subject;
  return h('section', { class: 'v-card', 'data-testid': 'verify-doc', 'data-code': doc.code },
    h('div', { class: 'v-card-head' },
      h('h2', null, t('doc.heading')),
      h('span', { class: `v-badge ${doc.status === 'issued' ? 'ok' : 'warn'}`, 'data-testid': 'verify-status' },
        t(`status.${doc.status}`))),
    h('dl', { class: 'v-fields' },
      row(t('doc.symbol'), h('strong', null, doc.symbol), 'verify-symbol'),
      row(t('doc.type'), type, 'verify-type'),
      row(t('doc.issuer'), doc.issuer, 'verify-issuer'),
      row(t('doc.date'), fmtDate(doc.date), 'verify-date'),
      row(t('doc.subject'), subject, 'verify-subject'),
      row(t('doc.signers'), signers, 'verify-signers'),
      row(t('doc.sha256'), h('code', { class: 'v-hash' }, doc.sha256), 'verify-sha256'),
      row(t('doc.code'), fmtCode(doc.code), 'verify-code')),
    link ? h('p', null, h('a', { href: `/verify/${encodeURIComponent(doc.code)}` }, t('doc.open'))) : null);
}

function codeForm() {
  const input = h('input', {
    id: 'v-code', name: 'code', inputmode: 'numeric', autocomplete: 'off', maxlength: '24',
    'data-testid': 'verify-code-input', 'aria-describedby': 'v-code-hint',
  });
  const msg = h('p', { class: 'v-error', hidden: true, role: 'alert' });
  const form = h('form', {
    class: 'v-card v-code-form',
    onsubmit: (ev) => {
      ev.preventDefault();
      const code = input.value.replace(/[\s.-]/g, '');
      if (!CODE_RE.test(code)) {
        msg.textContent = t('code.bad');
        msg.hidden = false;
        return;
      }
      history.pushState(null, '', `/verify/${code}`);
      start();
    },
  },
  h('label', { for: 'v-code' }, t('code.label')),
  h('div', { class: 'v-row' }, input, h('button', { type: 'submit', class: 'v-btn' }, t('code.submit'))),
  h('p', { id: 'v-code-hint', class: 'v-muted' }, t('code.hint')),
  msg);
  return form;
}

function docSection() {
  if (!state.code) return codeForm();
  if (state.docState === 'loading') return h('p', { class: 'v-card v-muted' }, t('doc.loading'));
  if (state.docState === 'notfound') {
    return h('div', null,
      h('p', { class: 'v-card v-banner warn', 'data-testid': 'verify-notfound', role: 'alert' }, t('doc.notfound')),
      codeForm());
  }
  if (state.docState === 'error') {
    return h('p', { class: 'v-card v-banner bad', role: 'alert' }, t('doc.error', { msg: state.docError }));
  }
  return state.doc ? docCard(state.doc) : null;
}

function dropZone() {
  const input = h('input', {
    type: 'file', accept: 'application/pdf,.pdf', class: 'v-file', id: 'v-file', 'data-testid': 'verify-file',
    onchange: () => { if (input.files && input.files[0]) checkFile(input.files[0]); input.value = ''; },
  });
  const zone = h('label', {
    for: 'v-file', class: `v-drop${state.busy ? ' busy' : ''}`, 'data-testid': 'verify-drop',
    ondragover: (ev) => { ev.preventDefault(); zone.classList.add('over'); },
    ondragleave: () => zone.classList.remove('over'),
    ondrop: (ev) => {
      ev.preventDefault();
      zone.classList.remove('over');
      const f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
      if (f) checkFile(f);
    },
  },
  h('span', { class: 'v-drop-icon', 'aria-hidden': 'true' }, '⇩'),
  h('span', null, state.busy ? t('drop.busy', { name: state.busy }) : t('drop.text')));
  return h('section', { class: 'v-card' }, h('h2', null, t('drop.heading')), input, zone);
}

function signatureList(report) {
  const sigs = (report && report.signatures) || [];
  let summary;
  if (!sigs.length) summary = h('p', { class: 'v-banner warn', 'data-testid': 'verify-sig-summary' }, t('sig.none'));
  else if (report.valid) summary = h('p', { class: 'v-banner ok', 'data-testid': 'verify-sig-summary' }, t('sig.all_valid'));
  else summary = h('p', { class: 'v-banner bad', 'data-testid': 'verify-sig-summary' }, t('sig.invalid', { msg: report.problem || '' }));
  return h('div', { class: 'v-sigs' },
    h('h3', null, t('sig.heading')),
    summary,
    sigs.length ? h('ol', { class: 'v-sig-list' }, sigs.map((s) => h('li', { 'data-testid': 'verify-sig', 'data-valid': s.valid ? 'true' : 'false' },
      h('div', { class: 'v-sig-head' },
        h('strong', null, s.signer || '—'),
        h('span', { class: `v-badge ${s.valid ? 'ok' : 'bad'}` }, s.valid ? t('sig.valid') : t('sig.bad'))),
      s.organization ? h('div', { class: 'v-muted' }, `${t('sig.org')}: ${s.organization}`) : null,
      s.signed_at ? h('div', { class: 'v-muted' }, `${t('sig.at')}: ${fmtTime(s.signed_at)}`) : null,
      s.revoked ? h('div', { class: 'v-error' }, t('sig.revoked')) : null,
      s.valid && s.covers_whole_file === false ? h('div', { class: 'v-muted' }, t('sig.partial')) : null,
      !s.valid && s.problem ? h('div', { class: 'v-error' }, s.problem) : null))) : null);
}

function resultSection() {
  if (state.resultError) {
    return h('p', { class: 'v-card v-banner bad', role: 'alert', 'data-testid': 'verify-result-error' }, state.resultError);
  }
  const r = state.result;
  if (!r) return null;
  const parts = [
    h('h2', null, t('result.heading')),
    h('dl', { class: 'v-fields' },
      row(t('result.file'), r.fileName, 'verify-file-name'),
      row(t('result.sha256'), h('code', { class: 'v-hash' }, r.sha256), 'verify-file-sha256')),
    h('p', { class: `v-banner ${r.known ? 'ok' : 'warn'}`, 'data-testid': 'verify-known', 'data-known': r.known ? 'true' : 'false' },
      r.known ? t('result.known') : t('result.unknown')),
  ];
  if (state.doc) {
    const same = r.sha256 === state.doc.sha256;
    parts.push(h('p', { class: `v-banner ${same ? 'ok' : 'bad'}`, 'data-testid': 'verify-match', 'data-match': same ? 'true' : 'false' },
      same ? t('result.same') : t('result.other')));
  }
  parts.push(signatureList(r.signatures));
  if (r.document && (!state.doc || r.document.code !== state.doc.code)) parts.push(docCard(r.document, { link: true }));
  return h('section', { class: 'v-card v-result', 'data-testid': 'verify-result' }, parts);
}

function langSwitch() {
  return ['vi', 'en'].map((l) => h('button', {
    type: 'button', class: `v-lang-btn${l === lang ? ' active' : ''}`, lang: l, 'data-testid': `lang-${l}`,
    'aria-pressed': l === lang ? 'true' : 'false',
    onclick: () => {
      lang = l;
      try { localStorage.setItem(LANG_KEY, l); } catch { /* ignore */ }
      render();
    },
  }, l === 'vi' ? 'Tiếng Việt' : 'English'));
}

function render() {
  document.documentElement.lang = lang;
  document.title = `${t('title')} · cadre`;
  const langs = document.getElementById('v-lang');
  langs.setAttribute('aria-label', t('language'));
  mount(langs, langSwitch());
  mount(document.getElementById('v-app'),
    h('h1', null, t('title')),
    h('p', { class: 'v-intro' }, t('intro')),
    docSection(),
    dropZone(),
    resultSection());
}

function start() {
  const m = /^\/verify\/([^/]+)\/?$/.exec(location.pathname);
  state.code = m ? decodeURIComponent(m[1]).replace(/[\s.-]/g, '') : '';
  state.doc = null;
  state.docState = state.code ? 'loading' : 'none';
  state.result = null;
  state.resultError = '';
  if (state.code) loadDoc();
  else render();
}

window.addEventListener('popstate', start);
start();
