/*
 * launch: the TinCan launch parameters an LMS or portal may add to the site's URL
 * (?endpoint=&auth=&actor=&registration=): they replace the site's LRS, credential and the
 * pseudonymous actor. They are kept in this browser ("xapi:launch") so that the learner's next
 * pages report to the same LRS as the same actor, until another launch replaces them.
 */

function first(value) { return Array.isArray(value) ? value[0] : value; }

/**
 * An xAPI Agent from a launch `actor` (JSON), also in TinCan 0.9's form where every property is
 * an array ({"name": ["x"], "mbox": ["mailto:x@y"]}, account: [{accountServiceHomePage,
 * accountName}]). null when it names no one.
 */
export function normalizeActor(raw) {
  let actor = raw;
  if (typeof actor === "string") {
    try { actor = JSON.parse(actor); } catch (e) { return null; }
  }
  if (!actor || typeof actor !== "object") { return null; }
  const out = { objectType: "Agent" };
  const name = first(actor.name);
  if (typeof name === "string" && name) { out.name = name; }
  const mbox = first(actor.mbox);
  const sha = first(actor.mbox_sha1sum);
  const openid = first(actor.openid);
  const account = first(actor.account);
  if (typeof mbox === "string" && mbox) {
    out.mbox = mbox.indexOf("mailto:") === 0 ? mbox : "mailto:" + mbox;
  } else if (typeof sha === "string" && sha) {
    out.mbox_sha1sum = sha;
  } else if (typeof openid === "string" && openid) {
    out.openid = openid;
  } else if (account && typeof account === "object") {
    const homePage = account.homePage || account.accountServiceHomePage;
    const accountName = account.name || account.accountName;
    if (typeof homePage !== "string" || typeof accountName !== "string") { return null; }
    out.account = { homePage, name: accountName };
  } else {
    return null;
  }
  return out;
}

/** Launch parameters from a query string, or null when it has no `endpoint`. */
export function parseLaunch(search) {
  const params = new URLSearchParams(search || "");
  const endpoint = params.get("endpoint");
  if (!endpoint || !/^https?:\/\//i.test(endpoint)) { return null; }
  const launch = { endpoint: endpoint.replace(/\/?$/, "/") };
  const auth = params.get("auth");
  if (auth) { launch.auth = auth; }
  const actor = normalizeActor(params.get("actor"));
  if (actor) { launch.actor = actor; }
  const registration = params.get("registration");
  if (registration && /^[0-9a-f-]{36}$/i.test(registration)) { launch.registration = registration; }
  return launch;
}

/** The launch of this page (kept), else the one kept from an earlier page, else null. */
export function currentLaunch(search, storage) {
  const launch = parseLaunch(search);
  if (launch) { storage.set("xapi:launch", launch); return launch; }
  const kept = storage.get("xapi:launch");
  return kept && typeof kept.endpoint === "string" ? kept : null;
}

/**
 * The Authorization header for a credential as lmsctl.yml or a launch gives it: "Basic ..." or
 * "Bearer ..." as is; "key:secret" as HTTP Basic; anything else as a Basic token.
 */
export function authHeader(auth, toBasicAuth) {
  if (!auth) { return null; }
  if (/^(Basic|Bearer) /i.test(auth)) { return auth; }
  const at = auth.indexOf(":");
  if (at > 0) { return toBasicAuth(auth.slice(0, at), auth.slice(at + 1)); }
  return "Basic " + auth;
}
