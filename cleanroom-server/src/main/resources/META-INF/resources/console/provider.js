// The data provider's view: declare a dataset, upload a version with a progress bar, see each
// version of its own datasets with its row count, erase a person, and tell a person how their
// data was used.
import { api, ApiError, collaborationPath, csrfHeader, readProblem, segment, sessionEnded } from './api.js';
import { showAudit } from './audit.js';
import { byId, cell, clear, clearFieldErrors, el, formatNumber, showFieldError } from './dom.js';

const MEDIA_TYPES = {
  csv: 'text/csv',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
  arrows: 'application/vnd.apache.arrow.stream',
};

let session = null;
let wired = false;

export async function showProvider(current) {
  session = current;
  if (!wired) {
    byId('declare-form').addEventListener('submit', (event) => declare(event).catch(() => {}));
    byId('upload-form').addEventListener('submit', upload);
    byId('erase-form').addEventListener('submit', (event) => erase(event).catch(() => {}));
    byId('subject-form').addEventListener('submit', (event) => lookUp(event).catch(() => {}));
    byId('subject-page').addEventListener('click', () => savePage().catch(() => {}));
    wired = true;
  }
  await loadDatasets();
  await showAudit(byId('provider-audit'), session, 'provider-audit', true);
}

function base() {
  return collaborationPath(session.collaboration);
}

async function loadDatasets(selected) {
  const collaboration = await api('GET', base());
  const mine = collaboration.datasets.filter((d) => d.owner === session.member);
  const select = byId('upload-dataset');
  const keep = selected || select.value;
  clear(select);
  for (const dataset of mine) {
    select.append(el('option', { value: dataset.name, text: dataset.table }));
  }
  if (mine.some((d) => d.name === keep)) {
    select.value = keep;
  }
  const erasable = byId('erase-dataset');
  const keepErasable = erasable.value;
  clear(erasable);
  for (const dataset of mine.filter((d) => d.currentVersion !== null)) {
    erasable.append(el('option', { value: dataset.name, text: dataset.table }));
  }
  if ([...erasable.options].some((option) => option.value === keepErasable)) {
    erasable.value = keepErasable;
  }
  const body = byId('versions-table').tBodies[0];
  clear(body);
  for (const dataset of mine) {
    const versions = await api('GET', base() + '/datasets/' + segment(dataset.name) + '/versions');
    if (!versions.length) {
      body.append(el('tr', {}, cell(dataset.table), el('td', { colspan: 4, text: 'no data uploaded yet' })));
    }
    for (const version of versions) {
      body.append(el('tr', {},
        cell(dataset.table),
        cell(version.version, true),
        cell(formatNumber(version.rowCount), true),
        cell(version.reason.toLowerCase() + (version.removedAt ? ', deleted by an erasure' : '')),
        cell(new Date(version.createdAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))));
    }
  }
}

async function erase(event) {
  event.preventDefault();
  const value = byId('erase-value');
  const status = byId('erase-status');
  clearFieldErrors(byId('erase-form'));
  status.textContent = '';
  const dataset = byId('erase-dataset').value;
  if (!dataset) {
    status.textContent = 'None of your datasets has data yet.';
    return;
  }
  if (!value.value.trim()) {
    showFieldError(value, 'Give the identifier of the person to erase.');
    value.focus();
    return;
  }
  try {
    const outcome = await api('POST', base() + '/datasets/' + segment(dataset) + '/erasures', { identifier: value.value.trim() });
    const deleted = outcome.versionsRemoved.length
      ? '; deleted the older versions that held them (' + outcome.versionsRemoved.join(', ') + ')'
      : '';
    status.textContent = 'Stored version ' + outcome.version + ' without that person: ' + formatNumber(outcome.rowsRemoved) + ' rows removed' + deleted + '. Receipt ' + outcome.receipt + '.';
    value.value = '';
    await loadDatasets();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    showFieldError(value, 'Refused: ' + error.message + '.');
    value.focus();
  }
}

let lookedUp = null;

async function lookUp(event) {
  event.preventDefault();
  const value = byId('subject-value');
  const status = byId('subject-status');
  const table = byId('subject-table');
  clearFieldErrors(byId('subject-form'));
  status.textContent = '';
  table.hidden = true;
  byId('subject-page').disabled = true;
  lookedUp = null;
  if (!value.value.trim()) {
    showFieldError(value, 'Give the identifier of the person.');
    value.focus();
    return;
  }
  const identifier = value.value.trim();
  let report;
  try {
    report = await api('POST', base() + '/subject-lookups', { identifier });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    showFieldError(value, 'Refused: ' + error.message + '.');
    value.focus();
    return;
  }
  lookedUp = identifier;
  const body = table.tBodies[0];
  clear(body);
  for (const dataset of report.datasets) {
    const held = dataset.versions.filter((v) => v.held === true).map((v) => v.version);
    body.append(el('tr', {},
      cell(dataset.table),
      cell(dataset.heldNow ? 'yes' : 'no'),
      cell(held.length ? held.join(', ') : 'none'),
      cell(formatNumber(dataset.queries.length), true),
      cell(dataset.erasures.length ? dataset.erasures.map((e) => e.receipt).join(', ') : 'none')));
  }
  for (const skipped of report.notSearched) {
    body.append(el('tr', {}, cell(skipped.table), el('td', { colspan: 4, text: 'not searched: ' + skipped.reason })));
  }
  table.hidden = false;
  byId('subject-page').disabled = false;
  status.textContent = report.datasets.some((d) => d.heldNow)
    ? 'Your datasets hold this person now.'
    : 'None of your datasets holds this person now.';
}

/** The same lookup as the self-contained page, saved as a file to hand to the person. */
async function savePage() {
  if (lookedUp === null) {
    return;
  }
  const status = byId('subject-status');
  try {
    const response = await api('POST', base() + '/subject-lookups', { identifier: lookedUp }, { accept: 'text/html', raw: true });
    const blob = await response.blob();
    const link = el('a', { href: URL.createObjectURL(blob), download: 'how-your-data-was-used.html' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    status.textContent = 'Saved the page (' + formatNumber(blob.size) + ' bytes).';
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    status.textContent = 'Refused: ' + error.message + '.';
  }
}

/** "name TYPE" per line, as the declaration's columns. */
function parseColumns(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line)
    .map((line) => {
      const space = line.search(/\s/);
      return space < 0
        ? { name: line, type: '' }
        : { name: line.slice(0, space), type: line.slice(space).trim().toUpperCase() };
    });
}

async function declare(event) {
  event.preventDefault();
  const form = byId('declare-form');
  const general = byId('declare-errors');
  clearFieldErrors(form);
  clear(general);
  const name = byId('declare-name');
  const columns = byId('declare-columns');
  if (!name.value.trim()) {
    showFieldError(name, 'Give the dataset a name.');
    name.focus();
    return;
  }
  try {
    const created = await api('POST', base() + '/datasets', { name: name.value.trim(), columns: parseColumns(columns.value) });
    byId('upload-status').textContent = 'Declared ' + created.table + '. Upload its first version below.';
    name.value = '';
    columns.value = '';
    await loadDatasets(created.name);
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    const detail = error.message;
    if (/column|type/i.test(detail)) {
      showFieldError(columns, detail);
      columns.focus();
    } else {
      showFieldError(name, detail);
      name.focus();
    }
  }
}

/** Streams the chosen file with XMLHttpRequest, whose upload events drive the progress bar. */
function upload(event) {
  event.preventDefault();
  const status = byId('upload-status');
  const progress = byId('upload-progress');
  const file = byId('upload-file').files[0];
  const dataset = byId('upload-dataset').value;
  if (!dataset) {
    status.textContent = 'Declare a dataset first.';
    return;
  }
  if (!file) {
    status.textContent = 'Choose a file to upload.';
    byId('upload-file').focus();
    return;
  }
  const extension = file.name.includes('.') ? file.name.split('.').pop().toLowerCase() : '';
  const mediaType = MEDIA_TYPES[extension];
  if (!mediaType) {
    status.textContent = 'Choose a .csv, .parquet, .arrow or .arrows file.';
    return;
  }
  const request = new XMLHttpRequest();
  request.open('PUT', base() + '/datasets/' + segment(dataset) + '/data');
  request.setRequestHeader('Content-Type', mediaType);
  request.setRequestHeader('Accept', 'application/json');
  request.setRequestHeader('X-CSRF-Token', csrfHeader() || '');
  progress.value = 0;
  byId('upload-button').disabled = true;
  status.textContent = 'Uploading ' + file.name + '…';
  request.upload.addEventListener('progress', (progressEvent) => {
    if (progressEvent.lengthComputable) {
      progress.value = Math.round((100 * progressEvent.loaded) / progressEvent.total);
    }
  });
  request.addEventListener('load', async () => {
    byId('upload-button').disabled = false;
    if (request.status === 200) {
      const stored = JSON.parse(request.responseText);
      progress.value = 100;
      status.textContent = 'Stored ' + stored.table + ' version ' + stored.version + '.';
      await loadDatasets(dataset).catch(() => {});
      return;
    }
    if (request.status === 401) {
      sessionEnded();
      return;
    }
    const problem = await readProblem(new Response(request.responseText));
    status.textContent = 'Refused, nothing stored: ' + (problem.detail || problem.title || request.status) + '.';
  });
  request.addEventListener('error', () => {
    byId('upload-button').disabled = false;
    status.textContent = 'The upload did not reach the server; nothing was stored.';
  });
  request.send(file);
}
