// The console's entry: sign-in, the session, and one view per role of the signed-in member.
import { api, ApiError, onSessionEnded, SESSION_PATH, setCsrfToken } from './api.js';
import { byId, clear, el } from './dom.js';
import { showAnalyst } from './analyst.js';
import { showOfficer } from './officer.js';
import { showProvider } from './provider.js';

const VIEWS = [
  { role: 'PRIVACY_OFFICER', id: 'officer-view', label: 'Policies', show: showOfficer },
  { role: 'PROVIDER', id: 'provider-view', label: 'Data', show: showProvider },
  { role: 'ANALYST', id: 'analyst-view', label: 'Queries', show: showAnalyst },
];

let session = null;

function showSignIn(notice) {
  session = null;
  setCsrfToken(null);
  for (const view of VIEWS) {
    byId(view.id).hidden = true;
  }
  byId('views').hidden = true;
  byId('who').hidden = true;
  byId('sign-in-notice').textContent = notice || '';
  byId('sign-in-view').hidden = false;
  byId('api-key').value = '';
}

function signedIn(view) {
  session = view;
  setCsrfToken(view.csrfToken);
  byId('sign-in-view').hidden = true;
  byId('sign-in-notice').textContent = '';
  byId('who-text').textContent =
    'Signed in as ' + view.member + ' (' + view.roles.map(roleName).join(', ') + ') in ' + view.collaboration;
  byId('who').hidden = false;
  const nav = byId('views');
  clear(nav);
  const mine = VIEWS.filter((v) => view.roles.includes(v.role));
  for (const entry of mine) {
    nav.append(el('button', { type: 'button', id: 'view-' + entry.id, text: entry.label, onclick: () => open(entry) }));
  }
  nav.hidden = mine.length < 2;
  if (mine.length) {
    open(mine[0]);
  }
}

function roleName(role) {
  return { PRIVACY_OFFICER: 'privacy officer', PROVIDER: 'provider', ANALYST: 'analyst' }[role] || role;
}

function open(entry) {
  for (const view of VIEWS) {
    byId(view.id).hidden = view !== entry;
    const tab = byId('view-' + view.id);
    if (tab) {
      if (view === entry) {
        tab.setAttribute('aria-current', 'page');
      } else {
        tab.removeAttribute('aria-current');
      }
    }
  }
  entry.show(session).catch(reportFailure);
}

function reportFailure(error) {
  if (!(error instanceof ApiError && error.status === 401)) {
    console.warn('console: ' + error.message);
  }
}

async function signIn(event) {
  event.preventDefault();
  const key = byId('api-key');
  const error = byId('api-key-error');
  error.textContent = '';
  key.removeAttribute('aria-invalid');
  if (!key.value.trim()) {
    key.setAttribute('aria-invalid', 'true');
    error.textContent = 'Enter your API key.';
    key.focus();
    return;
  }
  try {
    const view = await api('POST', SESSION_PATH, { apiKey: key.value });
    key.value = '';
    signedIn(view);
  } catch (refused) {
    key.setAttribute('aria-invalid', 'true');
    error.textContent = 'Sign-in refused: ' + refused.message + '.';
    key.focus();
  }
}

const NOTICES = {
  'signed-out': 'You are signed out.',
  ended: 'Your session has ended. Sign in again.',
};

/** A fresh page, so that nothing of the member who was signed in stays in this one. */
function restart(notice) {
  window.location.assign('/?notice=' + notice);
}

async function signOut() {
  try {
    await api('DELETE', SESSION_PATH);
  } catch (ignored) {
    // The session is gone either way.
  }
  restart('signed-out');
}

async function start() {
  byId('sign-in-form').addEventListener('submit', signIn);
  byId('sign-out').addEventListener('click', signOut);
  onSessionEnded(() => restart('ended'));
  const notice = NOTICES[new URLSearchParams(window.location.search).get('notice')] || '';
  if (window.location.search) {
    window.history.replaceState(null, '', '/');
  }
  try {
    const view = await api('GET', SESSION_PATH);
    if (view.signedIn) {
      signedIn(view);
    } else {
      showSignIn(notice);
    }
  } catch (failed) {
    showSignIn('The server could not be reached: ' + failed.message);
  }
}

start();
