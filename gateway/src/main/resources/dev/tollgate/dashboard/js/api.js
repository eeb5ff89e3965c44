// The gateway's JSON APIs, called with the signed-in key. The key lives in sessionStorage only.
const STORE = 'tollgate.dashboard.key';

export const session = {
  key: () => sessionStorage.getItem(STORE),
  remember: (key) => sessionStorage.setItem(STORE, key),
  forget: () => sessionStorage.removeItem(STORE),
};

/** A refusal from the gateway, with its status and its message in words. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** `path` with the query parameters that have a value. */
export function url(path, params = {}) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(name, value);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function call(path, { method = 'GET', body, key = session.key() } = {}) {
  const headers = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The gateway cannot be reached.', 'network');
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, json?.error?.message ?? `The gateway answered ${res.status}.`, json?.error?.code);
  }
  return json;
}
