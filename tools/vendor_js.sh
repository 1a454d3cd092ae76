#!/usr/bin/env bash
# Vendor the browser libraries the web app ships, from the npm registry.
#
# The web app must work with no internet (no CDN), so the minified files are
# committed under src/ecoute/web/static/vendor/ together with their licences.
# Run this script only to change a version; it needs npm and the registry.
#
#   tools/vendor_js.sh            # the pinned versions below
#
# ECharts (Apache-2.0): every chart of the dashboards, Sankey included.
set -euo pipefail
cd "$(dirname "$0")/.."
ECHARTS_VERSION=6.1.0
DEST=src/ecoute/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "echarts@${ECHARTS_VERSION}" >/dev/null && tar -xzf echarts-*.tgz)
mkdir -p "$DEST"
cp "$work/package/dist/echarts.min.js" "$DEST/echarts.min.js"
cp "$work/package/LICENSE" "$DEST/echarts.LICENSE.txt"
[ -f "$work/package/NOTICE" ] && cp "$work/package/NOTICE" "$DEST/echarts.NOTICE.txt"
cat > "$DEST/README.md" <<NOTE
# Vendored browser libraries

Written by \`tools/vendor_js.sh\`; do not edit by hand.

| file | package | version | licence |
|---|---|---|---|
| echarts.min.js | echarts (npm) | ${ECHARTS_VERSION} | Apache-2.0 (echarts.LICENSE.txt, echarts.NOTICE.txt) |
NOTE
ls -l "$DEST"
