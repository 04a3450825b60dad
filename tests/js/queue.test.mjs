// Delivery that loses nothing (lmsctl/runtime/xapi/queue.js and recorders/xapi.js): the bound
// and its priorities, the retry schedule, batches, 409/204 as delivered, and real POSTs through
// @xapi/xapi and fetch to an HTTP server on 127.0.0.1 that answers as an LRS would.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { webcrypto } from "node:crypto";
import { backoffDelay, createQueue, enqueue, LIMIT, priorityOf } from "../../lmsctl/runtime/xapi/queue.js";
import { xapiRecorder } from "../../lmsctl/runtime/recorders/xapi.js";
import { openStorage } from "../../lmsctl/runtime/storage.js";
import { memoryStorage } from "./support.mjs";

const item = (verb, n) => ({ p: priorityOf(verb), s: { id: `${verb}-${n}` } });

test("the bound: 500; when full experienced goes first, then flagged, then the oldest", () => {
  assert.equal(LIMIT, 500);
  let items = [item("answered", 0), item("experienced", 1), item("rated", 2), item("experienced", 3)];
  let r = enqueue(items, item("passed", 4), 4);
  assert.equal(r.dropped.s.id, "experienced-1");  // the oldest experienced
  assert.deepEqual(r.items.map((x) => x.s.id), ["answered-0", "rated-2", "experienced-3", "passed-4"]);
  r = enqueue(r.items, item("answered", 5), 4);
  assert.equal(r.dropped.s.id, "experienced-3");
  items = [item("answered", 0), item("flagged", 1), item("rated", 2)];
  assert.equal(enqueue(items, item("passed", 3), 3).dropped.s.id, "flagged-1");
  // full of important statements: a new experienced one is the one dropped
  items = [item("answered", 0), item("passed", 1), item("rated", 2)];
  r = enqueue(items, item("experienced", 3), 3);
  assert.equal(r.dropped.s.id, "experienced-3");
  assert.deepEqual(r.items, items);
  // only important ones and a new important one: the oldest goes (the bound holds)
  assert.equal(enqueue(items, item("completed", 3), 3).dropped.s.id, "answered-0");
  // room left: nothing is dropped
  assert.equal(enqueue(items, item("experienced", 3), 4).dropped, null);
});

test("priorities", () => {
  assert.equal(priorityOf("experienced"), 0);
  assert.equal(priorityOf("flagged"), 1);
  for (const v of ["answered", "passed", "rated", "completed"]) { assert.equal(priorityOf(v), 2); }
});

test("the retry schedule: 1 s doubling to a 60 s cap, jitter within +-20 %", () => {
  const mid = () => 0.5;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 20].map((f) => backoffDelay(f, mid)),
                   [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  assert.equal(backoffDelay(1, () => 0), 800);
  assert.equal(backoffDelay(1, () => 0.999999), 1200);
  assert.equal(backoffDelay(7, () => 0), 48000);
});

/** A queue over memory storage with a scripted LRS and a manual clock and timers. */
function rig(statuses, options) {
  const backend = memoryStorage();
  const storage = openStorage("lmsctl:/:", backend);
  const sent = [];
  const timers = [];
  let clock = 1000000;
  const queue = createQueue(Object.assign({
    storage,
    send: async (statements, opts) => {
      sent.push({ ids: statements.map((s) => s.id), keepalive: opts.keepalive });
      return statuses.length ? statuses.shift() : 204;
    },
    now: () => clock, setTimer: (fn, ms) => { timers.push({ fn, at: clock + ms }); return timers.length; },
    random: () => 0.5,
  }, options || {}));
  return { queue, sent, timers, storage, backend, tick(ms) { clock += ms; }, now: () => clock };
}

const st = (n) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` });

test("batches of 50, oldest first; 200 and 204 are delivered", async () => {
  const r = rig([200, 204, 204]);
  for (let i = 0; i < 120; i++) { r.queue.add(st(i), "answered"); }
  await r.queue.flush({});
  assert.deepEqual(r.sent.map((b) => b.ids.length), [50, 50, 20]);
  assert.equal(r.sent[0].ids[0], st(0).id);
  assert.equal(r.queue.size(), 0);
});

test("an LRS that is down: nothing dropped, retries at 1 s, 2 s, 4 s..., kept across pages", async () => {
  const r = rig([0, 503, 401, 204]);
  r.queue.add(st(1), "answered");
  r.queue.add(st(2), "experienced");
  await r.queue.flush({});                       // network error
  assert.equal(r.queue.size(), 2);
  assert.deepEqual(r.storage.get("xapi:retry"), { failures: 1, next: r.now() + 1000 });
  await r.queue.flush({});                       // too early: waits, sends nothing
  assert.equal(r.sent.length, 1);
  r.tick(1000); await r.queue.flush({});         // 503
  assert.deepEqual(r.storage.get("xapi:retry"), { failures: 2, next: r.now() + 2000 });
  r.tick(2000); await r.queue.flush({});         // 401
  assert.deepEqual(r.storage.get("xapi:retry"), { failures: 3, next: r.now() + 4000 });
  assert.equal(r.queue.size(), 2);
  // the learner's next page: a new queue over the same storage waits for the same time
  const next = createQueue({ storage: r.storage, send: async () => 204, now: () => r.now(),
                             setTimer: () => 0, random: () => 0.5 });
  await next.flush({});
  assert.equal(next.size(), 2);
  r.tick(4000); await r.queue.flush({});         // 204
  assert.equal(r.queue.size(), 0);
  assert.deepEqual(r.storage.get("xapi:retry"), { failures: 0, next: 0 });
  assert.deepEqual(r.sent.map((b) => b.ids.length), [2, 2, 2, 2]);
});

test("409: a batch is sent again one by one; a single 409 is a statement the LRS has", async () => {
  const r = rig([409, 204, 409, 204]);
  r.queue.add(st(1), "answered"); r.queue.add(st(2), "answered"); r.queue.add(st(3), "rated");
  await r.queue.flush({});
  assert.deepEqual(r.sent.map((b) => b.ids.length), [3, 1, 1, 1]);
  assert.equal(r.queue.size(), 0);
  assert.equal(r.storage.get("xapi:rejected"), null);
});

test("400: the malformed statement alone is dropped and counted, the others delivered", async () => {
  const r = rig([400, 204, 400, 204]);
  r.queue.add(st(1), "answered"); r.queue.add(st(2), "answered"); r.queue.add(st(3), "answered");
  await r.queue.flush({});
  assert.equal(r.queue.size(), 0);
  assert.equal(r.storage.get("xapi:rejected"), 1);
  assert.deepEqual(r.sent.slice(1).map((b) => b.ids[0]), [st(1).id, st(2).id, st(3).id]);
});

test("pagehide: one keepalive POST of at most 60 kB; the queue keeps them until confirmed", async () => {
  const r = rig([0]);
  const big = (n) => ({ id: st(n).id, pad: "x".repeat(5000) });
  for (let i = 0; i < 30; i++) { r.queue.add(big(i), "answered"); }
  await r.queue.flush({ keepalive: true });
  assert.equal(r.sent.length, 1);
  assert.ok(r.sent[0].keepalive);
  assert.ok(r.sent[0].ids.length >= 10 && r.sent[0].ids.length <= 12, String(r.sent[0].ids.length));
  assert.equal(r.queue.size(), 30);
  // pagehide after the page was hidden: what was just sent is not sent again from this page
  await r.queue.flush({ keepalive: true });
  assert.equal(r.sent.length, 2);
  assert.equal(r.sent[1].ids[0], st(r.sent[0].ids.length).id);
});

test("a full localStorage keeps the queue in the page", async () => {
  const r = rig([204]);
  r.backend.full = true;
  r.queue.add(st(1), "answered");
  assert.equal(r.queue.size(), 1);
  await r.queue.flush({});
  assert.equal(r.queue.size(), 0);
});

test("adding schedules a send 0.5 s later; during a backoff, when it ends", async () => {
  const r = rig([0, 204]);
  r.queue.add(st(1), "answered");
  assert.deepEqual(r.timers.map((t) => t.at - r.now()), [500]);
  r.tick(500);
  await r.timers.shift().fn();                   // the send fails: retry in 1 s
  assert.deepEqual(r.timers.map((t) => t.at - r.now()), [1000]);
  r.queue.add(st(2), "answered");                // no earlier send while waiting
  assert.deepEqual(r.timers.map((t) => t.at - r.now()), [1000]);
  r.tick(1000);
  await r.timers.shift().fn();
  assert.equal(r.queue.size(), 0);
  assert.deepEqual(r.sent.map((b) => b.ids.length), [1, 2]);
});

/** An LRS on 127.0.0.1: keeps statements by id (a known id is 204, as Ralph does), or fails. */
function lrs() {
  const stored = new Map();
  const requests = [];
  let mode = "up";
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers });
      if (mode === "down") { res.writeHead(503); res.end("down"); return; }
      if (mode === "refuse") { res.writeHead(401); res.end("no"); return; }
      const statements = JSON.parse(body);
      for (const s of statements) { if (!stored.has(s.id)) { stored.set(s.id, s); } }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(statements.map((s) => s.id)));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}/xAPI/`, stored, requests,
    set(m) { mode = m; }, close() { return new Promise((r) => server.close(r)); },
  })));
}

function recorder(server, storage, opts) {
  return xapiRecorder(Object.assign({
    config: { analytics: { endpoint: server.url, auth: "writer:secret", siteUrl: "https://learn.example.com/s/" },
              language: "en", paths: ["onboarding"] },
    storage, window: { location: { search: "", origin: "https://learn.example.com" } },
    crypto: webcrypto, fetch: globalThis.fetch, setTimer: () => 0,
  }, opts || {}));
}

test("real POSTs through @xapi/xapi: headers, exactly once after an outage, opt-out", async () => {
  const server = await lrs();
  try {
    const storage = openStorage("lmsctl:/s/:", memoryStorage());
    const rec = recorder(server, storage);
    rec.record({ verb: "rated", course: "c", lesson: "l", version: "v1", value: 1 });
    server.set("down");
    await rec.queue.flush({});
    assert.equal(server.stored.size, 0);
    assert.equal(rec.queue.size(), 1);
    const req = server.requests[0];
    assert.equal(req.method, "POST");
    assert.equal(req.url, "/xAPI/statements");
    assert.equal(req.headers["x-experience-api-version"], "1.0.3");
    assert.equal(req.headers.authorization, "Basic " + Buffer.from("writer:secret").toString("base64"));
    assert.equal(req.headers["content-type"], "application/json");
    rec.record({ verb: "answered", course: "c", lesson: "l", question: "q1", version: "v2", text: "Q?",
                 choices: [{ id: "c1", text: "A" }, { id: "c2", text: "B" }], correct: ["c1"],
                 response: ["c2"], success: false, attempt: 1 });
    server.set("refuse");
    storage.set("xapi:retry", { failures: 0, next: 0 });
    await rec.queue.flush({});
    assert.equal(rec.queue.size(), 2);
    server.set("up");
    storage.set("xapi:retry", { failures: 0, next: 0 });
    await rec.queue.flush({ keepalive: true });  // pagehide: sent, and the LRS stores them
    await rec.queue.flush({});                   // the same ids again: stored once
    assert.equal(server.stored.size, 2);
    const rated = [...server.stored.values()].find((s) => s.verb.id.endsWith("/rated"));
    assert.deepEqual(rated.actor.account.homePage, "https://learn.example.com/s/");
    assert.match(rated.actor.account.name, /^[0-9a-f-]{36}$/);
    assert.equal(rated.object.id, "https://learn.example.com/s/courses/c/l/");
    assert.match(rated.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(rec.queue.size(), 0);
    assert.equal(rec.where(), "records");

    // opted out: nothing queued or sent
    storage.set("xapi:optout", true);
    const before = server.requests.length;
    rec.record({ verb: "rated", course: "c", lesson: "l", version: "v1", value: -1 });
    rec.flush();
    await rec.queue.flush({});
    assert.equal(rec.queue.size(), 0);
    assert.equal(server.requests.length, before);
    assert.equal(rec.where(), "browser");
  } finally {
    await server.close();
  }
});

test("a TinCan launch gives the endpoint, auth, actor and registration, kept for later pages", async () => {
  const server = await lrs();
  try {
    const storage = openStorage("lmsctl:/s/:", memoryStorage());
    const actor = JSON.stringify({ name: ["Ada"], mbox: ["mailto:ada@example.com"] });
    const search = "?" + new URLSearchParams({ endpoint: server.url, auth: "Basic bGF1bmNoOmtleQ==", actor,
                                               registration: "9f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f" });
    const config = { analytics: { endpoint: "http://127.0.0.1:9/nowhere/", auth: "site:key",
                                  siteUrl: "https://learn.example.com/s/" } };
    const launched = recorder(server, storage, { config, window: { location: { search, origin: "x" } } });
    launched.record({ verb: "completed", path: "onboarding" });
    await launched.queue.flush({});
    // a later page without the parameters
    const later = recorder(server, storage, { config });
    later.record({ verb: "completed", path: "other" });
    await later.queue.flush({});
    assert.equal(server.stored.size, 2);
    for (const s of server.stored.values()) {
      assert.deepEqual(s.actor, { objectType: "Agent", name: "Ada", mbox: "mailto:ada@example.com" });
      assert.equal(s.context.registration, "9f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f");
    }
    assert.ok(server.requests.every((r) => r.headers.authorization === "Basic bGF1bmNoOmtleQ=="));
  } finally {
    await server.close();
  }
});
