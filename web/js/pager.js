// "1–50 of 320" with previous/next buttons for {items,total,limit,offset} lists.
import { h } from './dom.js';
import { t, formatNumber } from './i18n.js';

export function pager({ total, limit, offset, onPage }) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return h('div', { class: 'pager', 'data-testid': 'pager' },
    h('span', { class: 'pager-info' }, t('pager.info', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(total) })),
    h('button', { type: 'button', class: 'btn btn-small', disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit)), 'data-testid': 'pager-prev' }, `‹ ${t('pager.prev')}`),
    h('button', { type: 'button', class: 'btn btn-small', disabled: offset + limit >= total, onclick: () => onPage(offset + limit), 'data-testid': 'pager-next' }, `${t('pager.next')} ›`));
}
