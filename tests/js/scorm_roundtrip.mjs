// A line-oriented bridge for the Python Hypothesis test (tests/test_scorm_js.py): each input
// line is {"course": ..., "state": [[key, value], ...]}; each output line is
// {"text": <suspend_data>, "back": [[key, value], ...]} from the recorder's real encoder.
import { createInterface } from "node:readline";
import { decodeState, encodeState } from "../../lmsctl/runtime/recorders/scorm.js";

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) { continue; }
  const { course, state } = JSON.parse(line);
  const text = encodeState(course, new Map(state));
  const back = [...decodeState(course, text).entries()];
  process.stdout.write(JSON.stringify({ text, back }) + "\n");
}
