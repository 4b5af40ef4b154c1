// The console's one way to the server: fetch() to the JSON API with the session cookie, the CSRF
// token on every change, and a problem+json refusal turned into an ApiError.

export const SESSION_PATH = '/api/v1/console/session';

let csrfToken = null;
const sessionEndedListeners = [];

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'the server answered ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

export function csrfHeader() {
  return csrfToken;
}

/** Called when the server no longer knows this browser's session (expired, signed out). */
export function onSessionEnded(listener) {
  sessionEndedListeners.push(listener);
}

export function collaborationPath(collaboration) {
  return '/api/v1/collaborations/' + encodeURIComponent(collaboration);
}

export function segment(name) {
  return encodeURIComponent(name);
}

export async function readProblem(response) {
  try {
    return await response.json();
  } catch (ignored) {
    return { detail: 'the server answered ' + response.status };
  }
}

export function sessionEnded() {
  csrfToken = null;
  for (const listener of sessionEndedListeners) {
    listener();
  }
}

/**
 * Calls the API; answers the parsed JSON (or the Response when {@code raw}), throws an ApiError
 * with the problem document on a refusal.
 */
export async function api(method, path, body, { accept = 'application/json', raw = false } = {}) {
  const headers = { Accept: accept };
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && path !== SESSION_PATH) {
      sessionEnded();
    }
    throw new ApiError(response.status, problem);
  }
  if (raw) {
    return response;
  }
  return response.status === 204 ? null : response.json();
}
