#!/usr/bin/env bash
# Refreshes the vendored RapiDoc bundle served at /api/docs (see crates/dossier-api/assets/rapidoc).
set -euo pipefail
version=${1:?usage: update-rapidoc.sh VERSION}
dest=$(cd "$(dirname "$0")/.." && pwd)/crates/dossier-api/assets/rapidoc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "rapidoc@$version" >/dev/null && tar xzf rapidoc-*.tgz)
cp "$work/package/dist/rapidoc-min.js.gz" "$work/package/LICENSE.txt" "$dest/"
cp "$work/package/dist/rapidoc-min.js.LICENSE.txt" "$dest/THIRD-PARTY-NOTICES.txt"
sed -i "s/rapidoc\` [0-9.]*/rapidoc\` $version/" "$dest/README.md"
echo "RapiDoc $version vendored into $dest"
