#!/bin/sh
# Vendor @xapi/xapi's browser ES module build into the runtime (lmsctl/runtime/vendor/xapi/),
# with its licence and version. The version is the one package.json pins; to update it:
#   npm install --save-dev --save-exact @xapi/xapi@<version> && scripts/vendor-xapi.sh
# tests/test_vendor_xapi.py checks that the vendored file is the pinned package's.
set -eu
cd "$(dirname "$0")/.."
npm ci --ignore-scripts --no-audit --no-fund
src=node_modules/@xapi/xapi
dest=lmsctl/runtime/vendor/xapi
mkdir -p "$dest"
cp "$src/dist/XAPI.esm.js" "$dest/xapi.esm.js"
cp "$src/LICENSE.md" "$dest/LICENSE"
node -e 'const p = require("./'"$src"'/package.json"); console.log(p.name + " " + p.version + " (" + p.license + "), dist/XAPI.esm.js")' > "$dest/VERSION"
echo "vendored $(cat "$dest/VERSION") into $dest"
