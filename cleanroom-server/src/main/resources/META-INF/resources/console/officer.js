// The privacy officer's view: datasets with their policies, the policy editor (validation shown at
// the field from the server's problem+json), versions with approval, a diff between versions, and
// a dry-run of example queries with the cost table.
import { api, ApiError, collaborationPath, segment } from './api.js';
import { showAudit } from './audit.js';
import { byId, cell, clear, clearFieldErrors, el, formatNumber, showFieldError, showProblem } from './dom.js';

const CLASSES = ['', 'PRIVACY_UNIT', 'JOIN_KEY', 'DIMENSION', 'METRIC', 'CONSENT', 'PII'];

let session = null;
let collaboration = null;
let editing = null; // { dataset, base, versions, columnRows, joinRows, pathToRow }
let wired = false;

export async function showOfficer(current) {
  session = current;
  if (!wired) {
    byId('policy-form').addEventListener('submit', propose);
    byId('policy-add-join').addEventListener('click', () => addJoinRow({}));
    byId('dry-run-form').addEventListener('submit', dryRun);
    wired = true;
  }
  await loadDatasets();
  await loadBudgets();
  await showAudit(byId('officer-audit'), session, 'officer-audit', false);
}

async function loadBudgets() {
  const spending = await api('GET', base() + '/budget/analysts');
  const body = byId('officer-budgets').tBodies[0];
  clear(body);
  for (const spent of spending) {
    body.append(el('tr', {},
      cell(spent.dataset),
      cell(spent.analyst),
      cell(spent.period),
      cell(formatNumber(Number(spent.spent)), true)));
  }
  if (!spending.length) {
    body.append(el('tr', {}, el('td', { colspan: 4, text: 'No analyst has spent any ε yet.' })));
  }
}

function base() {
  return collaborationPath(session.collaboration);
}

async function loadDatasets() {
  collaboration = await api('GET', base());
  const body = byId('officer-datasets').tBodies[0];
  clear(body);
  for (const dataset of collaboration.datasets) {
    body.append(
      el('tr', {},
        cell(dataset.table),
        cell(dataset.owner),
        cell(dataset.columns.map((c) => c.name).join(', ')),
        cell(dataset.currentVersion === null ? 'no data yet' : dataset.currentVersion, true),
        cell(dataset.currentPolicyVersion === null ? 'none (not queryable)' : dataset.currentPolicyVersion, true),
        el('td', {},
          el('button', {
            type: 'button',
            class: 'secondary',
            text: 'Edit policy',
            'aria-label': 'Edit the policy of ' + dataset.table,
            onclick: () => openEditor(dataset).catch(report),
          }))));
  }
}

function report(error) {
  const status = byId('policy-status');
  status.textContent = error.message;
}

async function openEditor(dataset) {
  const versions = await api('GET', base() + '/datasets/' + segment(dataset.name) + '/policy');
  const newest = versions.length ? versions[versions.length - 1] : null;
  editing = { dataset, versions, base: newest ? newest.document : skeleton(dataset) };
  byId('policy-table').textContent = dataset.table;
  byId('policy-base').textContent = newest
    ? 'Starting from version ' + newest.version + ' (' + newest.status.toLowerCase() + '). Saving proposes a new version; it takes effect once approved.'
    : 'This dataset has no policy yet: no query can read it. Saving proposes version 1.';
  byId('policy-status').textContent = '';
  clearFieldErrors(byId('policy-form'));
  clear(byId('policy-errors'));
  fillForm(editing.base);
  renderVersions();
  byId('policy-cost').hidden = true;
  byId('policy-diff').hidden = true;
  byId('policy-editor').hidden = false;
  byId('policy-editor-heading').scrollIntoView();
}

function skeleton(dataset) {
  return {
    table: dataset.table,
    columns: [],
    allowedJoins: [],
    minimumDistinctUnits: 50,
    privacy: { epsilonPerQuery: 0.5, delta: 1e-6, maxGroupsContributed: 1, budget: 10, budgetRefresh: 'NONE' },
    allowedAnalysts: [],
  };
}

function fillForm(policy) {
  const columns = byId('policy-columns').tBodies[0];
  clear(columns);
  editing.columnRows = [];
  editing.dataset.columns.forEach((declared, index) => {
    const existing = (policy.columns || []).find((c) => c.name === declared.name) || null;
    const id = 'policy-column-' + index;
    const classSelect = el('select', { id: id + '-class', 'aria-describedby': id + '-class-error' },
      CLASSES.map((name) => el('option', { value: name, text: name || '(unusable)' })));
    classSelect.value = existing ? existing.class : '';
    const lower = el('input', { id: id + '-lower', inputmode: 'decimal', 'aria-describedby': id + '-lower-error' });
    const upper = el('input', { id: id + '-upper', inputmode: 'decimal', 'aria-describedby': id + '-upper-error' });
    const aggregates = el('input', { id: id + '-aggregates', 'aria-describedby': id + '-aggregates-error' });
    if (existing && existing.bounds) {
      lower.value = existing.bounds.lower;
      upper.value = existing.bounds.upper;
    }
    if (existing && existing.aggregates) {
      aggregates.value = existing.aggregates.join(', ');
    }
    const metricOnly = () => {
      const metric = classSelect.value === 'METRIC';
      lower.disabled = !metric;
      upper.disabled = !metric;
      aggregates.disabled = !metric;
    };
    classSelect.addEventListener('change', metricOnly);
    metricOnly();
    columns.append(
      el('tr', {},
        el('th', { scope: 'row', text: declared.name }),
        cell(declared.type),
        fieldCell(classSelect, 'Class of ' + declared.name),
        fieldCell(lower, 'Lower bound of ' + declared.name),
        fieldCell(upper, 'Upper bound of ' + declared.name),
        fieldCell(aggregates, 'Aggregates allowed on ' + declared.name + ' (comma-separated)')));
    editing.columnRows.push({ declared, existing, classSelect, lower, upper, aggregates });
  });

  clear(byId('policy-joins').tBodies[0]);
  editing.joinRows = [];
  for (const join of policy.allowedJoins || []) {
    addJoinRow(join);
  }

  setValue('policy-k', policy.minimumDistinctUnits);
  const privacy = policy.privacy || {};
  setValue('policy-epsilon', privacy.epsilonPerQuery);
  setValue('policy-delta', privacy.delta);
  setValue('policy-groups', privacy.maxGroupsContributed);
  setValue('policy-budget', privacy.budget);

  const analysts = byId('policy-analysts');
  clear(analysts);
  const allowed = new Set(policy.allowedAnalysts || []);
  collaboration.members
    .filter((member) => member.roles.includes('ANALYST'))
    .forEach((member, index) => {
      const box = el('input', { type: 'checkbox', id: 'policy-analyst-' + index, value: member.name, checked: allowed.has(member.name) });
      analysts.append(el('span', {}, box, el('label', { class: 'inline', for: box.id, text: member.name })));
    });
}

function fieldCell(field, label) {
  return el('td', {},
    el('label', { class: 'visually-hidden', for: field.id, text: label }),
    field,
    el('p', { id: field.id + '-error', class: 'field-error' }));
}

function addJoinRow(join) {
  const index = editing.joinRows.length;
  const id = 'policy-join-' + index;
  const column = el('input', { id: id + '-column', value: join.column || '', 'aria-describedby': id + '-column-error' });
  const other = el('input', { id: id + '-other', value: join.other || '', 'aria-describedby': id + '-other-error' });
  const otherColumn = el('input', { id: id + '-otherColumn', value: join.otherColumn || '', 'aria-describedby': id + '-otherColumn-error' });
  const row = el('tr', {},
    fieldCell(column, 'Column of join ' + (index + 1)),
    fieldCell(other, 'Other table of join ' + (index + 1)),
    fieldCell(otherColumn, 'Other column of join ' + (index + 1)));
  const entry = { join, column, other, otherColumn, row, removed: false };
  row.append(el('td', {}, el('button', {
    type: 'button',
    class: 'secondary',
    text: 'Remove',
    'aria-label': 'Remove join ' + (index + 1),
    onclick: () => {
      entry.removed = true;
      row.remove();
    },
  })));
  byId('policy-joins').tBodies[0].append(row);
  editing.joinRows.push(entry);
}

function setValue(id, value) {
  byId(id).value = value === undefined || value === null ? '' : String(value);
}

/** A number when the text is one; otherwise the text itself, for the server to name the problem. */
function numberOrText(text) {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

/** The policy document the form describes, keeping what the form does not show from its base. */
function documentFromForm() {
  const policy = structuredClone(editing.base);
  policy.table = editing.dataset.table;
  editing.pathToField = new Map();
  policy.columns = [];
  for (const row of editing.columnRows) {
    if (!row.classSelect.value) {
      continue;
    }
    const column = Object.assign({}, row.existing || {}, {
      name: row.declared.name,
      type: row.declared.type,
      class: row.classSelect.value,
    });
    if (column.class === 'METRIC') {
      column.bounds = { lower: numberOrText(row.lower.value), upper: numberOrText(row.upper.value) };
      column.aggregates = row.aggregates.value.split(',').map((a) => a.trim().toUpperCase()).filter((a) => a);
    } else {
      delete column.bounds;
      delete column.aggregates;
    }
    if (column.class !== 'JOIN_KEY') {
      delete column.linksToUnitOf;
    }
    if (column.class !== 'DIMENSION') {
      delete column.publicValues;
    }
    const path = '$.columns[' + policy.columns.length + ']';
    editing.pathToField.set(path, row.classSelect);
    editing.pathToField.set(path + '.bounds', row.lower);
    editing.pathToField.set(path + '.bounds.lower', row.lower);
    editing.pathToField.set(path + '.bounds.upper', row.upper);
    editing.pathToField.set(path + '.aggregates', row.aggregates);
    policy.columns.push(column);
  }
  policy.allowedJoins = [];
  for (const entry of editing.joinRows.filter((e) => !e.removed)) {
    const path = '$.allowedJoins[' + policy.allowedJoins.length + ']';
    editing.pathToField.set(path, entry.column);
    editing.pathToField.set(path + '.column', entry.column);
    editing.pathToField.set(path + '.other', entry.other);
    editing.pathToField.set(path + '.otherColumn', entry.otherColumn);
    policy.allowedJoins.push(Object.assign({}, entry.join, {
      column: entry.column.value.trim(),
      other: entry.other.value.trim(),
      otherColumn: entry.otherColumn.value.trim(),
    }));
  }
  policy.minimumDistinctUnits = numberOrText(byId('policy-k').value);
  policy.privacy = Object.assign({}, policy.privacy, {
    epsilonPerQuery: numberOrText(byId('policy-epsilon').value),
    delta: numberOrText(byId('policy-delta').value),
    maxGroupsContributed: numberOrText(byId('policy-groups').value),
    budget: numberOrText(byId('policy-budget').value),
  });
  policy.allowedAnalysts = [...byId('policy-analysts').querySelectorAll('input:checked')].map((box) => box.value);
  for (const field of byId('policy-form').querySelectorAll('[data-path]')) {
    editing.pathToField.set(field.dataset.path, field);
  }
  return policy;
}

/** The field a problem's JSON path points at: the longest path the form knows that it starts with. */
function fieldAt(path) {
  let best = null;
  let bestLength = -1;
  for (const [known, field] of editing.pathToField) {
    if ((path === known || path.startsWith(known + '.') || path.startsWith(known + '[')) && known.length > bestLength) {
      best = field;
      bestLength = known.length;
    }
  }
  return best;
}

/**
 * A rule checked on a whole object (the policy, its privacy parameters) is reported at the
 * object's path with a sentence that starts with the field's name: placed at that field.
 */
function refinedPath(violation) {
  const first = /^([A-Za-z]+)\b/.exec(violation.message || '');
  if (first) {
    const candidate = violation.path + '.' + first[1];
    if (editing.pathToField.has(candidate)) {
      return candidate;
    }
  }
  return violation.path;
}

async function propose(event) {
  event.preventDefault();
  const form = byId('policy-form');
  const general = byId('policy-errors');
  clearFieldErrors(form);
  clear(general);
  byId('policy-status').textContent = '';
  const policy = documentFromForm();
  try {
    const draft = await api('PUT', base() + '/datasets/' + segment(editing.dataset.name) + '/policy', policy);
    byId('policy-status').textContent = 'Proposed as version ' + draft.version + ' (draft). It takes effect once approved.';
    editing.versions = await api('GET', base() + '/datasets/' + segment(editing.dataset.name) + '/policy');
    editing.base = draft.document;
    renderVersions();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    const unplaced = [];
    for (const violation of error.problem.violations || []) {
      const field = violation.path ? fieldAt(refinedPath(violation)) : null;
      if (field) {
        showFieldError(field, violation.message);
      } else {
        unplaced.push(violation);
      }
    }
    general.append(el('p', { text: 'Not saved: ' + error.message + '. Each problem is shown at its field.' }));
    if (unplaced.length) {
      general.append(el('ul', {}, unplaced.map((v) => el('li', { text: (v.path ? v.path + ': ' : '') + v.message }))));
    }
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) {
      first.focus();
    }
  }
}

function renderVersions() {
  const body = byId('policy-versions').tBodies[0];
  clear(body);
  const newestFirst = [...editing.versions].reverse();
  for (const version of newestFirst) {
    const actions = el('td', {});
    if (version.status === 'DRAFT') {
      actions.append(el('button', {
        type: 'button',
        id: 'approve-' + version.version,
        text: 'Approve',
        'aria-label': 'Approve version ' + version.version,
        onclick: () => approve(version).catch(report),
      }));
    }
    if (version.version > 1) {
      actions.append(el('button', {
        type: 'button',
        class: 'secondary',
        text: 'Changes',
        'aria-label': 'Changes of version ' + version.version + ' from version ' + (version.version - 1),
        onclick: () => showDiff(version),
      }));
    }
    body.append(el('tr', {},
      cell(version.version, true),
      cell(version.status.toLowerCase()),
      cell(version.author),
      cell(version.approver || ''),
      actions));
  }
  const select = byId('dry-run-version');
  clear(select);
  for (const version of newestFirst) {
    select.append(el('option', { value: version.version, text: version.version + ' (' + version.status.toLowerCase() + ')' }));
  }
  byId('dry-run').hidden = newestFirst.length === 0;
}

async function approve(version) {
  const approved = await api('POST', base() + '/datasets/' + segment(editing.dataset.name) + '/policy/' + version.version + '/approve');
  byId('policy-status').textContent = approved.status === 'AWAITING_PROVIDERS'
    ? 'Version ' + approved.version + ' exposes more data than the version in force; it takes effect once '
      + approved.providers.filter((p) => p.status === 'AWAITED').map((p) => p.provider).join(', ') + ' approve it.'
    : 'Version ' + approved.version + ' is approved and in force.';
  editing.versions = await api('GET', base() + '/datasets/' + segment(editing.dataset.name) + '/policy');
  renderVersions();
  await loadDatasets();
}

/** Every setting that differs between a version and the one before, as flat JSON paths. */
function showDiff(version) {
  const before = editing.versions.find((v) => v.version === version.version - 1);
  const rows = [];
  const left = flatten(before ? before.document : {});
  const right = flatten(version.document);
  for (const path of new Set([...left.keys(), ...right.keys()])) {
    if (left.get(path) !== right.get(path)) {
      rows.push([path, left.get(path), right.get(path)]);
    }
  }
  byId('policy-diff-from').textContent = String(version.version - 1);
  byId('policy-diff-to').textContent = String(version.version);
  const body = byId('policy-diff-table').tBodies[0];
  clear(body);
  if (!rows.length) {
    body.append(el('tr', {}, el('td', { colspan: 3, text: 'No differences.' })));
  }
  for (const [path, was, is] of rows.sort((a, b) => a[0].localeCompare(b[0]))) {
    body.append(el('tr', {}, cell(path), cell(was === undefined ? '(absent)' : was), cell(is === undefined ? '(absent)' : is)));
  }
  byId('policy-diff').hidden = false;
}

/** Columns keyed by name (not position), so that a reclassified column reads as one change. */
function flatten(value, path = '$', out = new Map()) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const key = item && typeof item === 'object' && !Array.isArray(item) && item.name !== undefined
        ? path + '[' + item.name + ']'
        : path + '[' + index + ']';
      flatten(item, key, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      flatten(item, path + '.' + key, out);
    }
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

async function dryRun(event) {
  event.preventDefault();
  const problems = byId('dry-run-problems');
  clear(problems);
  const version = byId('dry-run-version').value;
  const cases = byId('dry-run-queries').value
    .split(/\n\s*\n/)
    .map((sql) => sql.trim())
    .filter((sql) => sql)
    .map((sql, index) => ({ name: 'query ' + (index + 1), sql }));
  if (!cases.length) {
    cases.push({ name: 'row count', sql: 'SELECT COUNT(*) AS n FROM ' + editing.dataset.table });
  }
  try {
    const reportBody = await api('POST', base() + '/datasets/' + segment(editing.dataset.name) + '/policy/' + version + '/dry-run', { cases });
    renderDryRun(reportBody);
  } catch (error) {
    showProblem(problems, error);
  }
}

function renderDryRun(result) {
  const cases = byId('dry-run-cases-body');
  clear(cases);
  for (const item of result.cases) {
    const why = (item.violations || []).map((v) => v.message).join(' ') || item.message || '';
    cases.append(el('tr', {}, cell(item.name), cell(item.outcome.toLowerCase()), cell(why)));
  }
  byId('dry-run-results').hidden = false;
  const accuracy = result.accuracy;
  byId('policy-cost-version').textContent = String(result.policyVersion);
  const head = byId('policy-cost-table').tHead;
  const body = byId('policy-cost-table').tBodies[0];
  clear(head);
  clear(body);
  if (!accuracy || !accuracy.rows.length) {
    byId('policy-cost').hidden = true;
    return;
  }
  const sums = Object.keys(accuracy.rows[0].sums || {});
  head.append(el('tr', {},
    el('th', { scope: 'col', text: 'ε per query' }),
    el('th', { scope: 'col', text: 'a group is shown from about (people)' }),
    el('th', { scope: 'col', text: 'reach ±' }),
    el('th', { scope: 'col', text: 'rows ±' }),
    sums.map((name) => el('th', { scope: 'col', text: 'sum of ' + name + ' ±' }))));
  for (const row of accuracy.rows) {
    body.append(el('tr', { class: row.policy ? 'this-policy' : undefined },
      el('th', { scope: 'row', text: formatNumber(Number(row.epsilonPerQuery)) + (row.policy ? ' (this version)' : '') }),
      cell(formatNumber(row.shownHalfOfTheTime), true),
      cell(formatNumber(Number(row.reach)), true),
      cell(formatNumber(Number(row.rows)), true),
      sums.map((name) => cell(formatNumber(Number(row.sums[name])), true))));
  }
  byId('policy-cost').hidden = false;
}
