// TinCan launch parameters (lmsctl/runtime/xapi/launch.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { authHeader, currentLaunch, normalizeActor, parseLaunch } from "../../lmsctl/runtime/xapi/launch.js";
import { openStorage } from "../../lmsctl/runtime/storage.js";
import { memoryStorage } from "./support.mjs";

test("actors: xAPI form and TinCan 0.9 arrays", () => {
  assert.deepEqual(normalizeActor('{"mbox": "mailto:a@b.org", "name": "A"}'),
                   { objectType: "Agent", name: "A", mbox: "mailto:a@b.org" });
  assert.deepEqual(normalizeActor({ name: ["A"], mbox: ["a@b.org"] }),
                   { objectType: "Agent", name: "A", mbox: "mailto:a@b.org" });
  assert.deepEqual(normalizeActor({ account: [{ accountServiceHomePage: "https://lms.example", accountName: "42" }] }),
                   { objectType: "Agent", account: { homePage: "https://lms.example", name: "42" } });
  assert.deepEqual(normalizeActor({ account: { homePage: "https://lms.example", name: "42" } }),
                   { objectType: "Agent", account: { homePage: "https://lms.example", name: "42" } });
  assert.deepEqual(normalizeActor({ mbox_sha1sum: "abc" }), { objectType: "Agent", mbox_sha1sum: "abc" });
  assert.equal(normalizeActor("{not json"), null);
  assert.equal(normalizeActor({ name: "nobody" }), null);
  assert.equal(normalizeActor({ account: { homePage: "x" } }), null);
  assert.equal(normalizeActor(null), null);
});

test("launch parameters: endpoint required and http(s); others optional", () => {
  assert.equal(parseLaunch(""), null);
  assert.equal(parseLaunch("?auth=x"), null);
  assert.equal(parseLaunch("?endpoint=javascript:alert(1)"), null);
  assert.deepEqual(parseLaunch("?endpoint=https%3A%2F%2Flrs.example%2FxAPI&auth=Basic%20eDp5&registration=bad"),
                   { endpoint: "https://lrs.example/xAPI/", auth: "Basic eDp5" });
});

test("a launch is kept for the next pages, and a new launch replaces it", () => {
  const storage = openStorage("lmsctl:/:", memoryStorage());
  assert.equal(currentLaunch("", storage), null);
  const first = currentLaunch("?endpoint=https://a.example/xAPI/", storage);
  assert.deepEqual(currentLaunch("", storage), first);
  currentLaunch("?endpoint=https://b.example/xAPI/", storage);
  assert.equal(currentLaunch("", storage).endpoint, "https://b.example/xAPI/");
});

test("credentials: Basic/Bearer as given, key:secret as Basic, a bare token as Basic", () => {
  const basic = (u, p) => "Basic " + Buffer.from(u + ":" + p).toString("base64");
  assert.equal(authHeader("Basic abc=", basic), "Basic abc=");
  assert.equal(authHeader("Bearer t", basic), "Bearer t");
  assert.equal(authHeader("writer:s:ecret", basic), basic("writer", "s:ecret"));
  assert.equal(authHeader("d3JpdGVyOnNlY3JldA==", basic), "Basic d3JpdGVyOnNlY3JldA==");
  assert.equal(authHeader("", basic), null);
});
