#!/usr/bin/env bash
# Install the Nu HTML Checker that the browser tests run on every page (npm `vnu-jar`, run on
# Java 17 or later). As root with apt-get, Java and npm are installed when missing; otherwise this
# says what is missing and the browser tests skip only that check (under CI=true they fail).
set -uo pipefail
cd "$(dirname "$0")"

need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} for the Nu HTML Checker"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
    || echo "Could not install ${need[*]}"
fi
command -v java >/dev/null \
  || echo "Java is missing: the browser tests will not run the Nu HTML Checker (install Java 17+)."
if ! command -v npm >/dev/null; then
  echo "npm is missing: the Nu HTML Checker is not installed, and the browser tests will not run it."
  exit 0
fi

wanted=$(node -p 'require("./package.json").devDependencies["vnu-jar"]')
installed=$(node -p 'try { require("./node_modules/vnu-jar/package.json").version } catch { "" }')
if [ "$wanted" = "$installed" ] && [ -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  exit 0
fi
# --ignore-scripts: the package's postinstall would download a Java runtime; the machine's is used.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
  || echo "npm ci failed: the browser tests will not run the Nu HTML Checker."
exit 0
