/*
 * config: the page's configuration, a JSON object in
 * <script type="application/json" id="lmsctl-config"> (see README.md), or {} when the page has
 * none or it does not parse.
 */
export function readConfig(doc) {
  const el = doc.getElementById("lmsctl-config");
  if (!el) { return {}; }
  try {
    const value = JSON.parse(el.textContent || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch (e) { return {}; }
}
