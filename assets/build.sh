#!/usr/bin/env bash
# Build GOV.UK Frontend once into static/govuk/ (committed; no Node at run time).
# Run from the repository root:  bash assets/build.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

assets="$root/assets"
out="$root/static/govuk"
pkg="$assets/node_modules/govuk-frontend"

(cd "$assets" && npm ci --no-audit --no-fund --ignore-scripts)

govuk_version="$(node -p 'require("./assets/node_modules/govuk-frontend/package.json").version')"
sass_version="$(node -p 'require("./assets/node_modules/sass/package.json").version')"

rm -rf "$out"
mkdir -p "$out/assets"

(cd "$assets" && npx --no-install sass --pkg-importer=node --style=compressed \
  --quiet-deps --no-source-map app.scss "$out/app.css")

cp "$pkg/dist/govuk/govuk-frontend.min.js" "$out/govuk-frontend.min.js"

# Images and manifest only: the app uses Arial, so the GDS Transport fonts are left out.
cp -R "$pkg/dist/govuk/assets/images" "$out/assets/images"
cp "$pkg/dist/govuk/assets/manifest.json" "$out/assets/manifest.json"

# The npm package ships no LICENSE file (package.json says MIT); use it if a
# later version does, otherwise write the upstream MIT licence text.
license_file="$(find "$pkg" -maxdepth 1 -iname 'licen[cs]e*' -print -quit)"
if [[ -n "$license_file" ]]; then
  cp "$license_file" "$out/LICENSE.txt"
else
  cat >"$out/LICENSE.txt" <<'LICENSE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
fi

cat >"$out/VERSION.txt" <<VERSION
govuk-frontend ${govuk_version}
sass ${sass_version}
Built by assets/build.sh from assets/app.scss; do not edit these files by hand.
VERSION

# Fail the build if the CSS still points at GDS Transport or at /assets/.
if grep -q 'GDS Transport' "$out/app.css"; then
  echo "build.sh: app.css still mentions GDS Transport" >&2
  exit 1
fi
if grep -o 'url([^)]*)' "$out/app.css" | grep -v '/static/govuk/assets/' | grep -q 'assets/'; then
  echo "build.sh: app.css has an asset URL outside /static/govuk/assets/" >&2
  exit 1
fi

echo "Built static/govuk/ with govuk-frontend ${govuk_version} and sass ${sass_version}"
