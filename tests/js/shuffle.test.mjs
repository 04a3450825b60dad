// The learner's stable order of quiz choices (lmsctl/runtime/shuffle.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { displayOrder, hash, prng } from "../../lmsctl/runtime/shuffle.js";

const LEARNER = "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c";

test("the order is a permutation of the authored indexes", () => {
  for (let n = 0; n <= 8; n++) {
    const order = displayOrder(n, LEARNER + " sales/intro/q" + n);
    assert.deepEqual(order.slice().sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  }
});

test("the same learner and question always get the same order (a reload keeps it)", () => {
  const seed = LEARNER + " sales-basics/why-discovery/q1";
  const first = displayOrder(5, seed);
  for (let i = 0; i < 20; i++) { assert.deepEqual(displayOrder(5, seed), first); }
  // pinned: a change of the algorithm would reorder every learner's choices on their next visit
  assert.deepEqual(first, [4, 0, 2, 3, 1]);
});

test("different learners and different questions get different orders", () => {
  const orders = new Set();
  for (let i = 0; i < 50; i++) { orders.add(displayOrder(4, `learner-${i} c/l/q1`).join(",")); }
  assert.ok(orders.size >= 15, `only ${orders.size} distinct orders of 4 choices over 50 learners`);
  const questions = new Set();
  for (let i = 0; i < 50; i++) { questions.add(displayOrder(4, `${LEARNER} c/l/q${i}`).join(",")); }
  assert.ok(questions.size >= 15);
});

test("the authored first choice (often the right one) is first for about 1 learner in n", () => {
  const n = 4, learners = 4000;
  let first = 0;
  const counts = Array(n).fill(0);
  for (let i = 0; i < learners; i++) {
    const order = displayOrder(n, `${i}-learner c/l/q1`);
    if (order[0] === 0) { first += 1; }
    counts[order.indexOf(0)] += 1;
  }
  const share = first / learners;
  assert.ok(share > 0.2 && share < 0.3, `right answer first for ${share} of learners`);
  counts.forEach((c) => assert.ok(c / learners > 0.2 && c / learners < 0.3, String(counts)));
});

test("hash and prng are deterministic and in range", () => {
  assert.equal(hash("abc"), hash("abc"));
  assert.notEqual(hash("abc"), hash("abd"));
  const a = prng(42), b = prng(42);
  for (let i = 0; i < 100; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
  }
});
