#!/usr/bin/env node
/*
 * Bundle the learner-side runtime (ES module sources in lmsctl/runtime/ and the SCORM package
 * scripts in lmsctl/targets/scorm/launch/) into classic scripts, committed to the repository:
 * pages load them with a plain <script defer>, which works from any web server and also from
 * a folder opened with file:// (where browsers refuse module scripts). esbuild (npm, pinned in
 * package-lock.json as a dev dependency) follows every import from each entry, so a new module
 * is in the bundle as soon as an entry imports it. No source maps; not minified (but the
 * xAPI recorder's, which is mostly an already minified library): the bundles stay readable.
 *
 *   node scripts/bundle-runtime.mjs           # rewrite the bundles (also: make runtime-bundle)
 *   node scripts/bundle-runtime.mjs --check   # exit 1 when a committed bundle is stale
 *
 * It also writes lmsctl/runtime/bundle/messages.json, the msgids of lmsctl/runtime/messages.js
 * (a string, or [singular, plural]): the site build translates those with the page catalog
 * (lmsctl/targets/site/runtime_messages.py) without running JavaScript.
 *
 * tests/test_runtime_bundle.py runs the check.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REGENERATE = "make runtime-bundle";

/* entry -> bundle. `global`: the bundle's exports as one global (window.<name>), for a bundle
   another one loads on demand. */
export const BUNDLES = [
  { entry: "lmsctl/runtime/main.js", out: "lmsctl/runtime/bundle/lmsctl.js",
    what: "The runtime every page loads" },
  { entry: "lmsctl/runtime/recorders/xapi.js", out: "lmsctl/runtime/bundle/lmsctl-xapi.js",
    global: "lmsctlXapi", minify: true, /* mostly the vendored library, minified already */
    what: "The xAPI recorder, with @xapi/xapi (vendor/xapi/: its LICENSE and VERSION); " +
          "lmsctl.js loads it only when the page's configuration has `analytics`" },
  { entry: "lmsctl/targets/scorm/launch/launch.js", out: "lmsctl/targets/scorm/launch/bundle/launch.js",
    what: "The script of a package's launch page (the SCO)" },
  { entry: "lmsctl/targets/scorm/launch/page.js", out: "lmsctl/targets/scorm/launch/bundle/page.js",
    what: "The package's script on every page of an exported course, before lmsctl.js" },
];

async function build(esbuild, bundle) {
  const banner = `/* Generated from ${bundle.entry} by scripts/bundle-runtime.mjs (${REGENERATE}); ` +
    `do not edit. ${bundle.what}. */`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [bundle.entry],
    bundle: true,
    write: false,
    format: "iife",
    globalName: bundle.global,
    platform: "browser",
    target: "es2020",
    sourcemap: false,
    minify: !!bundle.minify,
    legalComments: "inline",
    charset: "utf8",
    banner: { js: banner },
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

const MESSAGES_JSON = "lmsctl/runtime/bundle/messages.json";

async function messagesJson() {
  const { MESSAGES } = await import(pathToFileURL(join(ROOT, "lmsctl/runtime/messages.js")).href);
  const lines = Object.values(MESSAGES).map((m) => "  " + JSON.stringify(m));
  return "[\n" + lines.join(",\n") + "\n]\n";
}

async function main() {
  const check = process.argv.includes("--check");
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch (e) {
    console.error("esbuild is not installed: run `npm ci --ignore-scripts` in the repository");
    process.exit(2);
  }
  const stale = [];
  const outputs = [];
  for (const bundle of BUNDLES) { outputs.push([bundle.out, await build(esbuild, bundle)]); }
  outputs.push([MESSAGES_JSON, await messagesJson()]);
  for (const [out, text] of outputs) {
    const path = join(ROOT, out);
    if (check) {
      const old = await readFile(path, "utf8").catch(() => null);
      if (old !== text) { stale.push(out + (old === null ? " (missing)" : "")); }
    } else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      console.log(`wrote ${out} (${Buffer.byteLength(text)} bytes)`);
    }
  }
  if (stale.length) {
    console.error("the committed runtime bundles are out of date with their sources:\n  " +
                  stale.join("\n  ") + `\nRun \`${REGENERATE}\` and commit the result.`);
    process.exit(1);
  }
}

await main();
