/*
 * storage: the learner's browser storage, namespaced by the site's path, never throwing (a full
 * or disabled localStorage only means nothing is kept).
 *
 * Keys (a kept contract; ids are the repository's ids, DESIGN section 5):
 *   lmsctl:<site-path>:quiz:<course>/<lesson>/<question-key>  {"choices": [i, ...], "result": "correct"|"incorrect"}
 *   lmsctl:<site-path>:visited:<course>/<lesson>              true
 *   lmsctl:<site-path>:helpful:<course>/<lesson>              "yes"|"no"
 * <site-path> is the path the site is served under ("/" or e.g. "/learning/"); <question-key>
 * is the question's id: or q1, q2, ... by position in the lesson. Recorders name keys without
 * the "lmsctl:<site-path>:" prefix (see recorder.js).
 */

/** The key prefix of a site served under `scope` (a path ending in "/"). */
export function prefixFor(scope) { return "lmsctl:" + scope + ":"; }

/** The path the site is served under: Material's __md_scope (the site root), else "/". */
export function siteScope(global) {
  try {
    if (global && global.__md_scope) { return global.__md_scope.pathname; }
  } catch (e) { /* fall through */ }
  return "/";
}

/**
 * The site's path from the page config's `scope` (the site root, relative to the page as
 * "../../" or absolute as "/learning/"), else from Material's __md_scope, else "/".
 */
export function scopeOf(scope, global) {
  if (typeof scope === "string" && scope) {
    try { return new URL(scope, global.location.href).pathname; } catch (e) { /* fall through */ }
  }
  return siteScope(global);
}

/** A JSON key-value store over a Storage (window.localStorage) under one prefix. */
export function openStorage(prefix, backend) {
  function get(key) {
    try {
      const value = backend.getItem(prefix + key);
      return value === null ? null : JSON.parse(value);
    } catch (e) { return null; }
  }
  function set(key, value) {
    try { backend.setItem(prefix + key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function remove(key) {
    try { backend.removeItem(prefix + key); } catch (e) { /* off */ }
  }
  return { prefix, get, set, remove };
}

/** window.localStorage, or null when the browser refuses it (privacy modes, sandboxed frames). */
export function localStorageOf(global) {
  try { return global.localStorage || null; } catch (e) { return null; }
}
