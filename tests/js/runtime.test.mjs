// The runtime's small parts: storage, the recorder hub (fan-out), the local recorder, catalog
// filters, active time, the learner's UUID. Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { openStorage, prefixFor, scopeOf, siteScope } from "../../lmsctl/runtime/storage.js";
import { createHub } from "../../lmsctl/runtime/recorder.js";
import { localRecorder } from "../../lmsctl/runtime/recorders/local.js";
import { inRange, matches } from "../../lmsctl/runtime/catalog.js";
import { activeClock } from "../../lmsctl/runtime/lesson.js";
import { learnerId, uuid } from "../../lmsctl/runtime/learner.js";
import { memoryStorage } from "./support.mjs";
import { isOptedOut, setOptOut } from "../../lmsctl/runtime/optout.js";

test("storage keys are today's: lmsctl:<site-path>:<kind>:<ids>, values JSON", () => {
  const backend = memoryStorage();
  const local = localRecorder(prefixFor("/learning/"), backend);
  local.save("quiz:sales/intro/q1", { choices: [0], result: "correct" });
  local.save("visited:sales/intro", true);
  local.save("helpful:sales/intro", "yes");
  assert.deepEqual([...backend.map.entries()], [
    ["lmsctl:/learning/:quiz:sales/intro/q1", '{"choices":[0],"result":"correct"}'],
    ["lmsctl:/learning/:visited:sales/intro", "true"],
    ["lmsctl:/learning/:helpful:sales/intro", '"yes"'],
  ]);
  assert.deepEqual(local.load("quiz:sales/intro/q1"), { choices: [0], result: "correct" });
  assert.equal(local.load("visited:other/x"), null);
});

test("storage never throws: broken JSON reads as null, a full store drops the write", () => {
  const backend = memoryStorage();
  backend.setItem("lmsctl:/:quiz:a/b/q1", "{not json");
  const s = openStorage("lmsctl:/:", backend);
  assert.equal(s.get("quiz:a/b/q1"), null);
  backend.full = true;
  assert.equal(s.set("visited:a/b", true), false);
  const refusing = { getItem() { throw new Error("SecurityError"); }, setItem() { throw new Error("x"); },
                     removeItem() { throw new Error("x"); } };
  const r = openStorage("p:", refusing);
  assert.equal(r.get("k"), null);
  assert.equal(r.set("k", 1), false);
  r.remove("k");
});

test("site scope from the page config: relative to the page or absolute", () => {
  const at = (href) => ({ location: { href } });
  assert.equal(scopeOf("../../", at("https://x.org/learning/courses/c/")), "/learning/");
  assert.equal(scopeOf("./", at("https://x.org/learning/")), "/learning/");
  assert.equal(scopeOf("/learning/", at("https://x.org/learning/courses/c/l/")), "/learning/");
  assert.equal(scopeOf("", { __md_scope: new URL("https://x.org/s/"), location: { href: "https://x.org/s/a/" } }), "/s/");
  assert.equal(scopeOf(undefined, {}), "/");
});

test("site scope: Material's __md_scope pathname, else /", () => {
  assert.equal(siteScope({ __md_scope: new URL("https://x.org/learning/") }), "/learning/");
  assert.equal(siteScope({}), "/");
  assert.equal(siteScope({ get __md_scope() { throw new Error("x"); } }), "/");
});

function spy(name) {
  const events = [];
  return { name, events, flushed: 0, record(e) { events.push(e); }, flush() { this.flushed += 1; },
           load() { return null; }, save() {} };
}

test("hub: state from the store, every event to every reporter, a throwing one harms none", () => {
  const backend = memoryStorage();
  const hub = createHub(localRecorder("p:", backend));
  const a = spy("a");
  const bad = { name: "bad", record() { throw new Error("boom"); }, flush() { throw new Error("boom"); } };
  const b = spy("b");
  hub.addReporter(a); hub.addReporter(bad); hub.addReporter(b);
  hub.save("visited:c/l", true);
  assert.equal(hub.load("visited:c/l"), true);
  hub.record({ verb: "rated", value: 1 });
  hub.flush();
  assert.deepEqual(a.events, [{ verb: "rated", value: 1 }]);
  assert.deepEqual(b.events, a.events);
  assert.equal(a.flushed, 1); assert.equal(b.flushed, 1);
});

test("hub: events before a late reporter are buffered and handed over in order", () => {
  const hub = createHub(localRecorder("p:", memoryStorage()), { waitForReporters: true });
  hub.record({ verb: "experienced", n: 1 });
  hub.record({ verb: "answered", n: 2 });
  const late = spy("late");
  hub.addReporter(late);
  assert.deepEqual(late.events, []);
  hub.ready();
  hub.record({ verb: "rated", n: 3 });
  assert.deepEqual(late.events.map((e) => e.n), [1, 2, 3]);
});

test("hub: a store that throws reads as empty and never breaks the page", () => {
  const store = { name: "x", load() { throw new Error("x"); }, save() { throw new Error("x"); },
                  record() { throw new Error("x"); }, flush() { throw new Error("x"); } };
  const hub = createHub(store);
  assert.equal(hub.load("k"), null);
  hub.save("k", 1); hub.record({ verb: "rated" }); hub.flush();
});

test("catalog filters: duration ranges and every filter", () => {
  assert.ok(inRange(10, "0-15"));
  assert.ok(inRange(15, "0-15"));
  assert.ok(!inRange(16, "0-15"));
  assert.ok(inRange(600, "60-"));
  assert.ok(!inRange(59, "60-"));
  const card = { skills: ["negotiation", "pricing"], level: "beginner", audience: ["sales"],
                 duration: 20, state: "in-progress" };
  assert.ok(matches(card, {}));
  assert.ok(matches(card, { skill: "pricing", level: "beginner", role: "sales", duration: "15-30",
                            progress: "in-progress" }));
  assert.ok(!matches(card, { skill: "discovery" }));
  assert.ok(!matches(card, { level: "advanced" }));
  assert.ok(!matches(card, { role: "support" }));
  assert.ok(!matches(card, { duration: "0-15" }));
  assert.ok(!matches(card, { progress: "complete" }));
});

test("active time counts only while the page is visible, and starts again after take()", () => {
  let t = 1000;
  const clock = activeClock(() => t, true);
  t = 4000; clock.hide();          // 3 s visible
  t = 60000; clock.show();         // hidden for 56 s: not counted
  t = 62000;                       // 2 s visible
  assert.equal(clock.take(), 5000);
  t = 63000;
  assert.equal(clock.take(), 1000);
  const hidden = activeClock(() => t, false);
  t = 99000;
  assert.equal(hidden.take(), 0);
});

test("learner id: a random v4 UUID, made once and kept", () => {
  const a = uuid(webcrypto), b = uuid(webcrypto);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  const s = openStorage("lmsctl:/:", memoryStorage());
  const first = learnerId(s, webcrypto);
  assert.equal(learnerId(s, webcrypto), first);
  s.set("learner", "not-a-uuid");
  assert.notEqual(learnerId(s, webcrypto), "not-a-uuid");
});

test("opting out is kept and drops what was queued; opting in again keeps nothing old", () => {
  const s = openStorage("lmsctl:/:", memoryStorage());
  assert.equal(isOptedOut(s), false);
  s.set("xapi:queue", [{ p: 2, s: { id: "x" } }]);
  s.set("xapi:retry", { failures: 2, next: 5 });
  setOptOut(s, true);
  assert.equal(isOptedOut(s), true);
  assert.equal(s.get("xapi:queue"), null);
  assert.equal(s.get("xapi:retry"), null);
  setOptOut(s, false);
  assert.equal(isOptedOut(s), false);
  assert.equal(s.get("xapi:queue"), null);
});
