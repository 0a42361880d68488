#!/usr/bin/env bash
# Refresh the vendored front-end assets under static/vendor/ from the npm registry.
# Developers run this by hand; CI and `make run` use the committed files.
set -euo pipefail
cd "$(dirname "$0")/.."
CHARTJS=4.6.1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "chart.js@$CHARTJS" >/dev/null )
tar -xzf "$tmp/chart.js-$CHARTJS.tgz" -C "$tmp" package/dist/chart.umd.min.js package/LICENSE.md
mkdir -p static/vendor/chartjs
cp "$tmp/package/dist/chart.umd.min.js" static/vendor/chartjs/chart.umd.min.js
cp "$tmp/package/LICENSE.md" static/vendor/chartjs/LICENSE.md
# The source map is not shipped; drop its reference so collectstatic's manifest does not look for it.
sed -i -E '/^\/\/# sourceMappingURL=/d' static/vendor/chartjs/*.js
echo "chart.js $CHARTJS vendored"
