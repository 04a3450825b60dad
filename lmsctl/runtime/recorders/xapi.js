/*
 * The xAPI recorder (DESIGN section 8; docs/learning-records.md): every learning event becomes
 * a statement (xapi/statements.js) with its id and timestamp made here, queued in localStorage
 * and delivered in batches by xapi/queue.js through @xapi/xapi (vendor/xapi/) over fetch.
 * main.js imports this module only when the page's configuration has `analytics`.
 *
 * Actor: the TinCan launch's actor when the site was launched with one (xapi/launch.js), else
 * the pseudonymous {account: {homePage: <site url>, name: <this browser's learner UUID>}}.
 * Opt-out (optout.js, wired by main.js): opted out, nothing is queued or sent.
 */
import XAPI from "../vendor/xapi/xapi.esm.js";
import { learnerId, uuid } from "../learner.js";
import { authHeader, currentLaunch } from "../xapi/launch.js";
import { createQueue } from "../xapi/queue.js";
import { buildStatement } from "../xapi/statements.js";
import { isOptedOut } from "../optout.js";

function withSlash(url) { return /\/$/.test(url) ? url : url + "/"; }

/**
 * A fetch adapter for @xapi/xapi that keeps the HTTP status (the library's own fetch adapter
 * drops it) and can send with keepalive (pagehide). Resolves {data, headers, status} for 2xx,
 * rejects with {status} otherwise (status 0: network or CORS error).
 */
export function fetchAdapter(fetchImpl, keepalive) {
  return async ({ url, method, data, headers }) => {
    let response;
    try {
      response = await fetchImpl(url, { method, headers, keepalive: keepalive(), credentials: "omit",
                                        body: typeof data === "string" ? data : JSON.stringify(data) });
    } catch (e) {
      throw Object.assign(new Error("network"), { status: 0 });
    }
    if (!response.ok) { throw Object.assign(new Error("HTTP " + response.status), { status: response.status }); }
    return { data: null, headers: {}, status: response.status };
  };
}

/** send(statements, {keepalive}) -> Promise<status> for the queue, through the library. */
export function sender(endpoint, auth, fetchImpl) {
  const header = authHeader(auth, XAPI.toBasicAuth) || undefined;
  const client = (keepalive) => new XAPI({ endpoint: withSlash(endpoint || "/"), auth: header,
                                           adapter: fetchAdapter(fetchImpl, () => keepalive) });
  const normal = client(false), leaving = client(true);
  return async (statements, options) => {
    try {
      const response = await (options && options.keepalive ? leaving : normal).sendStatements({ statements });
      return response.status;
    } catch (e) {
      return e && typeof e.status === "number" ? e.status : 0;
    }
  };
}

/**
 * The recorder. env: {config (the page config), storage (openStorage of the site), window,
 * fetch?, now?, setTimer?, random?, crypto?}.
 */
export function xapiRecorder(env) {
  const win = env.window || {};
  const storage = env.storage;
  const analytics = env.config.analytics || {};
  const cryptoImpl = env.crypto || win.crypto;
  const launch = currentLaunch(win.location ? win.location.search : "", storage);
  const endpoint = (launch && launch.endpoint) || analytics.endpoint;
  const auth = launch && launch.endpoint ? launch.auth : analytics.auth;
  const siteUrl = withSlash(analytics.siteUrl || (win.location ? win.location.origin + "/" : "/"));
  const base = withSlash(analytics.activityBase || siteUrl);
  const fetchImpl = env.fetch || (win.fetch ? win.fetch.bind(win) : null);
  const optedOut = () => isOptedOut(storage);
  const send = sender(endpoint, auth, fetchImpl);
  const queue = createQueue({
    storage, now: env.now, setTimer: env.setTimer,
    /* opted out since the statements were queued: they are dropped, never sent */
    send: (statements, options) => (optedOut() ? Promise.resolve(204) : send(statements, options)),
    random: env.random,
  });
  let actor = null;
  function actorOf() {
    if (!actor) {
      actor = (launch && launch.actor) ||
        { objectType: "Agent", account: { homePage: siteUrl, name: learnerId(storage, cryptoImpl) } };
    }
    return actor;
  }

  const recorder = {
    name: "xapi",
    load() { return null; },
    save() {},
    record(event) {
      if (optedOut() || !endpoint) { return; }
      const statement = buildStatement(event, {
        id: uuid(cryptoImpl), timestamp: new Date(env.now ? env.now() : Date.now()).toISOString(),
        actor: actorOf(), base, language: env.config.language || "",
        paths: env.config.paths || [], registration: launch && launch.registration,
      });
      if (statement) { queue.add(statement, event.verb); }
    },
    flush() { if (!optedOut() && endpoint) { queue.flush({ keepalive: true }); } },
    /** Where a learner's vote goes, for the thanks text. */
    where() { return optedOut() || !endpoint ? "browser" : "records"; },
    queue,
  };
  if (!optedOut() && endpoint) { queue.start(3000); }
  if (win.addEventListener) {
    win.addEventListener("online", () => { if (!optedOut()) { storage.set("xapi:retry", { failures: 0, next: 0 }); queue.flush({}); } });
  }
  return recorder;
}
