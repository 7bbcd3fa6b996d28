#!/bin/sh
# Gathers what the platform image runs into OUT_DIR, from the repository root after every project
# is built and dev dependencies are pruned (see Dockerfile):
#   package.json, package-lock.json, node_modules (production; the npm workspace links in
#   node_modules/@openretail point to libs/* and services/*), every project's package.json and
#   dist/ (services' dist/migrations included) without tests, and proto/ (read at run time by
#   @grpc/proto-loader). Source, src/migrations snapshots included, only matters to the build.
# Then fails if the result could not run, since an image that builds but cannot start is only
# noticed on a cluster.
#   sh deploy/docker/assemble-runtime.sh OUT_DIR
set -eu
out=${1:?usage: assemble-runtime.sh OUT_DIR}
fail() {
  echo "assemble-runtime: $*" >&2
  exit 1
}

mkdir -p "$out"
cp -a package.json package-lock.json node_modules proto "$out/"
for project in libs/* services/*; do
  [ -d "$project/dist" ] || fail "$project/dist missing: build every project first"
  mkdir -p "$out/$project"
  cp -a "$project/package.json" "$project/dist" "$out/$project/"
  if [ -d "$project/node_modules" ]; then cp -a "$project/node_modules" "$out/$project/"; fi
  # Committed migrations must reach the image compiled, or migrate.js finds nothing to apply.
  if [ -d "$project/src/migrations" ]; then
    for migration in "$project"/src/migrations/*.ts; do
      [ -e "$migration" ] || continue
      compiled="$out/$project/dist/migrations/$(basename "$migration" .ts).js"
      [ -f "$compiled" ] || fail "$compiled missing (compiled from $migration)"
    done
  fi
done
find "$out/libs" "$out/services" -path '*/dist/*' \( -name '*.test.*' -o -name '*.tsbuildinfo' \) -delete

cd "$out"
for service in services/*; do
  [ -f "$service/dist/main.js" ] || fail "$service/dist/main.js missing"
done
[ -n "$(find proto -name '*.proto')" ] || fail "proto/ holds no .proto file"
# Every workspace link must lead to its package's main file inside OUT_DIR.
for link in node_modules/@openretail/*; do
  node -e 'require.resolve(process.argv[1])' "@openretail/${link##*/}" ||
    fail "$link does not resolve (target $(readlink "$link"))"
done
