/* dom: small helpers shared by the page modules. */

export function words(text) { return (text || "").split(/\s+/).filter(Boolean); }

export function all(selector, root) {
  return Array.prototype.slice.call((root || document).querySelectorAll(selector));
}

/** Descendants of el matching selector that belong to el, not to a nested progress element. */
export function own(el, selector) {
  return all(selector, el).filter((x) => x.closest("[data-lmsctl-pass-mark]") === el);
}
