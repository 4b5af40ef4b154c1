// The analyst's view: SQL with explain (each violation at its line and column, with its sentence),
// run, the released rows with their 95% intervals as a table and a bar chart, the privacy report,
// the budget left, the answer as CSV, and fairness reports.
import { api, ApiError, collaborationPath } from './api.js';
import { drawChart } from './chart.js';
import { byId, cell, clear, el, formatNumber } from './dom.js';

let session = null;
let wired = false;
let lastAnswer = null;
let lastSql = null;
let lastPurpose = null;

export async function showAnalyst(current) {
  session = current;
  if (!wired) {
    byId('explain-button').addEventListener('click', () => explain().catch(() => {}));
    byId('query-form').addEventListener('submit', (event) => {
      event.preventDefault();
      run().catch(() => {});
    });
    byId('chart-column').addEventListener('change', () => {
      if (lastAnswer) {
        drawChart(byId('answer-chart'), lastAnswer, Number(byId('chart-column').value));
      }
    });
    byId('download-csv').addEventListener('click', () => download('text/csv', 'csv', 'CSV').catch(() => {}));
    byId('download-arrow').addEventListener('click', () =>
      download('application/vnd.apache.arrow.stream', 'arrows', 'Arrow IPC').catch(() => {}));
    byId('fairness-form').addEventListener('submit', (event) => {
      event.preventDefault();
      fairness().catch(() => {});
    });
    wired = true;
  }
  await loadBudget();
}

function base() {
  return collaborationPath(session.collaboration);
}

async function loadBudget() {
  const budgets = await api('GET', base() + '/budget');
  const body = byId('budget-table').tBodies[0];
  clear(body);
  for (const budget of budgets.datasets) {
    body.append(el('tr', {},
      cell(budget.dataset),
      cell(formatNumber(Number(budget.spent)), true),
      cell(formatNumber(Number(budget.remaining)), true),
      cell(formatNumber(Number(budget.total)), true),
      cell(formatNumber(Number(budget.epsilonPerQuery)), true)));
  }
}

function sql() {
  return byId('sql').value;
}

function purpose() {
  return byId('purpose').value.trim();
}

/** The request body: the SQL and, when one is given, the purpose it is asked for. */
function question(text, purposeName = purpose()) {
  return purposeName ? { sql: text, purpose: purposeName } : { sql: text };
}

function resetResults() {
  clear(byId('query-problems'));
  byId('explanation').hidden = true;
}

async function explain() {
  resetResults();
  const text = sql();
  try {
    const explanation = await api('POST', base() + '/queries/explain', question(text));
    if (!explanation.accepted) {
      showViolations(text, explanation.violations || []);
      return;
    }
    const list = byId('explanation-list');
    clear(list);
    const add = (term, value) => list.append(el('dt', { text: term }), el('dd', { text: value }));
    add('Accepted', 'yes: running it costs ε ' + formatNumber(Number(explanation.epsilon)) + ' on ' + explanation.tables.join(', '));
    add('Release rule', explanation.releaseRule);
    add('Minimum people per group', formatNumber(explanation.minimumDistinctUnits));
    for (const column of explanation.columns || []) {
      add('Column ' + column.name, column.role.toLowerCase() + (column.lowerBound !== undefined ? ', bounds [' + column.lowerBound + ', ' + column.upperBound + ']' : ''));
    }
    if (explanation.accuracy) {
      const shown = explanation.accuracy.groupsShown;
      if (shown) {
        add('A group is shown', 'half of the time from ' + formatNumber(shown.halfOfTheTime) + ' people, almost always from ' + formatNumber(shown.almostAlways));
      }
      for (const column of explanation.accuracy.columns || []) {
        add('Noise on ' + column.column, '± ' + formatNumber(Number(column.ci95)) + ' at 95%');
      }
    }
    if (explanation.explanation) {
      add('In words', explanation.explanation);
    }
    byId('explanation').hidden = false;
  } catch (error) {
    showRefusal(text, error);
  }
}

/** Each violation at its place: line, column, the line of SQL with a caret, and the sentence. */
function showViolations(text, violations, heading) {
  const container = byId('query-problems');
  clear(container);
  container.append(el('p', { text: heading || 'The policy refuses this query:' }));
  const lines = text.split('\n');
  for (const violation of violations) {
    const item = el('div', { class: 'violation' });
    if (violation.line) {
      const where = 'Line ' + violation.line + ', column ' + violation.column_number;
      item.append(el('p', { class: 'where', text: where + (violation.column ? ' (' + violation.column + ')' : '') }));
      const source = lines[violation.line - 1];
      if (source !== undefined) {
        item.append(el('pre', { text: source + '\n' + ' '.repeat(Math.max(0, violation.column_number - 1)) + '^' }));
      }
    }
    item.append(el('p', { class: 'sentence', text: violation.message + ' (' + violation.code + ')' }));
    container.append(item);
  }
}

function showRefusal(text, error) {
  if (!(error instanceof ApiError)) {
    throw error;
  }
  if (error.problem.violations && error.problem.violations.length) {
    showViolations(text, error.problem.violations, 'Refused: ' + error.message + '.');
  } else {
    clear(byId('query-problems'));
    byId('query-problems').append(el('p', { text: 'Refused: ' + error.message + '.' }));
  }
  byId('query-problems').scrollIntoView();
}

async function run() {
  resetResults();
  const text = sql();
  try {
    const asked = purpose();
    const answer = await api('POST', base() + '/queries', question(text, asked));
    lastAnswer = answer;
    lastSql = text;
    lastPurpose = asked;
    showAnswer(answer);
  } catch (error) {
    showRefusal(text, error);
  } finally {
    await loadBudget().catch(() => {});
  }
}

function showAnswer(answer) {
  const table = byId('answer-table');
  clear(table.tHead);
  clear(table.tBodies[0]);
  table.tHead.append(el('tr', {}, answer.columns.map((column) =>
    el('th', { scope: 'col', text: column.name + (column.noised ? ' (± 95%)' : '') }))));
  answer.rows.forEach((row, rowIndex) => {
    table.tBodies[0].append(el('tr', {}, row.map((value, columnIndex) => {
      const interval = answer.intervals && answer.intervals[rowIndex] ? answer.intervals[rowIndex][columnIndex] : null;
      const shown = formatNumber(value) + (interval ? ' [' + formatNumber(interval[0]) + ', ' + formatNumber(interval[1]) + ']' : '');
      return cell(shown, typeof value === 'number');
    })));
  });
  if (!answer.rows.length) {
    table.tBodies[0].append(el('tr', {}, el('td', { colspan: answer.columns.length, text: 'No group passed the release rule.' })));
  }

  const chartColumn = byId('chart-column');
  clear(chartColumn);
  answer.columns.forEach((column, index) => {
    if (column.noised) {
      chartColumn.append(el('option', { value: index, text: column.name }));
    }
  });
  byId('answer').hidden = false;
  if (chartColumn.options.length && answer.rows.length) {
    byId('answer-chart').hidden = false;
    drawChart(byId('answer-chart'), answer, Number(chartColumn.value));
  } else {
    byId('answer-chart').hidden = true;
  }

  const report = byId('privacy-report');
  clear(report);
  const privacy = answer.privacy;
  const add = (term, value) => report.append(el('dt', { text: term }), el('dd', { text: value }));
  add('ε spent', formatNumber(Number(privacy.epsilonSpent)) + (privacy.cached ? ' (stored answer, nothing charged)' : ''));
  add('ε left', formatNumber(Number(privacy.epsilonRemaining)));
  add('δ', String(privacy.delta));
  add('Minimum people per group', formatNumber(privacy.minimumDistinctUnits));
  add('Release rule', privacy.releaseRule || '');
  if (privacy.suppressedGroups !== null && privacy.suppressedGroups !== undefined) {
    add('Groups withheld (noised)', formatNumber(privacy.suppressedGroups));
  }
  if (privacy.mechanism) {
    add('Mechanism', privacy.mechanism.name);
  }
  for (const noise of privacy.noise || []) {
    add('Noise on ' + noise.column, noise.mechanism + ', scale ' + formatNumber(noise.scale) + ', ± ' + formatNumber(noise.ci95) + ' at 95%');
  }
  if (privacy.engine) {
    add('Engine', privacy.engine);
  }
  if (privacy.purpose) {
    add('Purpose', privacy.purpose);
  }
  byId('download-status').textContent = '';
}

/** Asks the same question in another format: the stored answer again, at no cost. */
async function download(mediaType, extension, formatName) {
  if (!lastSql) {
    return;
  }
  const status = byId('download-status');
  try {
    const response = await api('POST', base() + '/queries', question(lastSql, lastPurpose), { accept: mediaType, raw: true });
    const blob = await response.blob();
    const link = el('a', { href: URL.createObjectURL(blob), download: 'answer-' + lastAnswer.queryId + '.' + extension });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    status.textContent = 'Downloaded the answer as ' + formatName + ' (' + formatNumber(blob.size) + ' bytes).';
  } catch (error) {
    status.textContent = 'Download refused: ' + error.message + '.';
  }
}

function interval(value, bounds, digits) {
  const format = (x) => (digits === undefined ? formatNumber(x) : Number(x).toFixed(digits));
  return format(value) + ' (' + format(bounds.low) + ' to ' + format(bounds.high) + ')';
}

/** A fairness report: the reach question split by a sensitive segment, with the disparities. */
async function fairness() {
  const problems = byId('fairness-problems');
  const result = byId('fairness-result');
  clear(problems);
  result.hidden = true;
  const body = { reach: byId('fairness-reach').value, segment: byId('fairness-segment').value.trim() };
  const chosen = byId('fairness-purpose').value.trim();
  if (chosen) {
    body.purpose = chosen;
  }
  let report;
  try {
    report = await api('POST', base() + '/fairness-reports', body);
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    problems.append(el('p', { text: 'Refused: ' + error.message + '.' }));
    for (const violation of error.problem.violations || []) {
      problems.append(el('p', { text: violation.message || violation.code }));
    }
    return;
  }
  const rows = byId('fairness-table').tBodies[0];
  clear(rows);
  for (const segment of report.segments) {
    rows.append(el('tr', {},
      cell(segment.value),
      cell(interval(segment.reach, segment.reachInterval), true),
      cell(interval(segment.population, segment.populationInterval), true),
      cell(interval(segment.rate, segment.rateInterval, 3), true),
      cell(interval(segment.disparity, segment.disparityInterval, 2), true),
      cell(segment.significant ? 'yes' : 'no'),
      cell(segment.belowFourFifths ? 'yes' : 'no')));
  }
  const summary = byId('fairness-summary');
  clear(summary);
  const entries = [
    ['Segment', report.segment],
    ['Overall rate', interval(report.overallRate, report.overallRateInterval, 3)],
    ['Segments withheld (too few people)', String(report.withheld)],
    ['Purpose', report.purpose || 'none'],
    ['ε spent', formatNumber(Number(report.epsilonSpent))],
    ['How the intervals combine', report.method],
  ];
  for (const [term, description] of entries) {
    summary.append(el('dt', { text: term }), el('dd', { text: description }));
  }
  result.hidden = false;
  await loadBudget();
}
