// The audit log as a table, filtered in the browser, with the server's verification of its hash
// chain. A privacy officer sees the whole log; a provider the events on its own datasets, which
// tell it who queried its data.
import { api, collaborationPath } from './api.js';
import { cell, clear, el, formatNumber } from './dom.js';

const PAGE = 1000;
const MOST_PAGES = 20;

/**
 * Fills {@code container} with the log's controls and table; {@code prefix} keeps its ids apart,
 * {@code queriesOnly} starts with the query events selected.
 */
export async function showAudit(container, session, prefix, queriesOnly) {
  const events = await readAll(session);
  clear(container);
  const actor = el('select', { id: prefix + '-actor' }, el('option', { value: '', text: 'anyone' }));
  const action = el('select', { id: prefix + '-action' }, el('option', { value: '', text: 'any action' }));
  const dataset = el('select', { id: prefix + '-dataset' }, el('option', { value: '', text: 'any dataset' }));
  for (const [select, values] of [
    [actor, events.map((e) => e.actor)],
    [action, events.map((e) => e.action)],
    [dataset, events.flatMap((e) => e.datasets)],
  ]) {
    for (const value of [...new Set(values)].sort()) {
      select.append(el('option', { value, text: value }));
    }
  }
  const queries = el('input', { type: 'checkbox', id: prefix + '-queries', checked: queriesOnly });
  const verification = el('p', { id: prefix + '-verification', class: 'notice', role: 'status' });
  const table = el('table', { id: prefix + '-table' },
    el('caption', { text: 'Audit events, newest first' }),
    el('thead', {}, el('tr', {},
      ['Position', 'Time (UTC)', 'Actor', 'Action', 'Datasets', 'Outcome', 'ε', 'Detail'].map((name) => el('th', { scope: 'col', text: name })))),
    el('tbody'));
  const render = () => {
    const body = table.tBodies[0];
    clear(body);
    const shown = events.filter((e) =>
      (!actor.value || e.actor === actor.value)
      && (!action.value || e.action === action.value)
      && (!dataset.value || e.datasets.includes(dataset.value))
      && (!queries.checked || /QUER|EXPLAIN/.test(e.action)));
    for (const event of shown.slice().reverse()) {
      body.append(el('tr', {},
        cell(event.position, true),
        cell(event.time.replace('T', ' ').replace(/(\.\d+)?Z$/, '')),
        cell(event.actor),
        cell(event.action),
        cell(event.datasets.join(', ')),
        cell(event.outcome),
        cell(event.epsilon === null || event.epsilon === undefined ? '' : formatNumber(Number(event.epsilon)), true),
        cell(event.detail)));
    }
    if (!shown.length) {
      body.append(el('tr', {}, el('td', { colspan: 8, text: 'No event matches.' })));
    }
  };
  for (const control of [actor, action, dataset, queries]) {
    control.addEventListener('change', render);
  }
  const verify = el('button', {
    type: 'button',
    id: prefix + '-verify',
    text: 'Verify the hash chain',
    onclick: async () => {
      try {
        const result = await api('GET', collaborationPath(session.collaboration) + '/audit/verify');
        verification.textContent = result.valid
          ? 'The chain is intact: ' + formatNumber(result.verifiedEvents) + ' events verified, head ' + result.headHash.slice(0, 16) + '….'
          : 'The chain is broken at position ' + result.firstBrokenPosition + ': ' + result.reason + '.';
      } catch (error) {
        verification.textContent = 'Verification refused: ' + error.message + '.';
      }
    },
  });
  container.append(
    el('div', { class: 'filters' },
      el('div', { class: 'field' }, el('label', { for: actor.id, text: 'Actor' }), actor),
      el('div', { class: 'field' }, el('label', { for: action.id, text: 'Action' }), action),
      el('div', { class: 'field' }, el('label', { for: dataset.id, text: 'Dataset' }), dataset),
      el('div', { class: 'field' }, queries, el('label', { class: 'inline', for: queries.id, text: 'Queries only' }))),
    verify,
    verification,
    table);
  render();
}

async function readAll(session) {
  const events = [];
  let after = 0;
  for (let page = 0; page < MOST_PAGES; page++) {
    const answer = await api('GET', collaborationPath(session.collaboration) + '/audit?after=' + after + '&limit=' + PAGE);
    events.push(...answer.events);
    if (answer.next === null || answer.next === undefined) {
      break;
    }
    after = answer.next;
  }
  return events;
}
