// A path is recorded "completed" on whatever page the learner passes its last required course
// (the page config names each path with its required courses). Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

// progress-view reads the page through document.querySelectorAll; this page has no progress
// elements, only the config's paths
globalThis.document = { querySelectorAll: () => [] };
const { refresh } = await import("../../lmsctl/runtime/progress-view.js");

function hub(state) {
  const events = [];
  return {
    events,
    load: (key) => (key in state ? state[key] : null),
    save: (key, value) => { state[key] = value; },
    record: (event) => { events.push(event); },
  };
}

const PATHS = [{ id: "onboarding", courses: ["basics", "pricing"] },
  { id: "advanced", courses: ["pricing", "negotiation"] }];

test("completed once, when every required course has been passed", () => {
  const state = { "passed:basics": true };
  const h = hub(state);
  refresh(h, PATHS);
  assert.deepEqual(h.events, []);
  state["passed:pricing"] = true;
  refresh(h, PATHS);
  refresh(h, PATHS); // a second look records nothing more
  assert.deepEqual(h.events, [{ verb: "completed", path: "onboarding" }]);
  assert.equal(state["completed:onboarding"], true);
});

test("path ids without their courses (older pages) record nothing", () => {
  const h = hub({ "passed:basics": true, "passed:pricing": true });
  refresh(h, ["onboarding"]);
  assert.deepEqual(h.events, []);
});
