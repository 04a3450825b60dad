/*
 * learner: the pseudonymous learner of this browser: a random UUID kept in localStorage
 * ("lmsctl:<site-path>:learner"), made on first use. It seeds the order of quiz choices and,
 * when the site sends learning records, names the xAPI actor's account. It never leaves the
 * browser otherwise.
 */

/** A random RFC 4122 version 4 UUID (crypto.getRandomValues works on plain http too). */
export function uuid(cryptoImpl) {
  const bytes = new Uint8Array(16);
  cryptoImpl.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
    hex.slice(16, 20) + "-" + hex.slice(20);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The learner's UUID from storage (openStorage), made and kept on first use. */
export function learnerId(storage, cryptoImpl) {
  const kept = storage.get("learner");
  if (typeof kept === "string" && UUID.test(kept)) { return kept; }
  const made = uuid(cryptoImpl);
  storage.set("learner", made);
  return made;
}
