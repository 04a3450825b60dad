/*
 * The local recorder: the learner's state in this browser's localStorage, under the keys that
 * storage.js documents (a kept contract). It reports nothing: events stay in the page.
 */
import { openStorage } from "../storage.js";

export function localRecorder(prefix, backend) {
  const storage = openStorage(prefix, backend);
  return {
    name: "local",
    load(key) { return storage.get(key); },
    save(key, value) { storage.set(key, value); },
    record() { /* events are not kept: the state above is all the local site needs */ },
    flush() { /* every save is written at once */ },
  };
}
