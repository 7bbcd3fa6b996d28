#!/usr/bin/env bash
# The test command (`npm test`; CI runs it through .ci/run): installs dependencies when needed, builds
# and lints every project, starts the local infrastructure, then runs every test file with node:test.
# The last line printed is the runner's `N passed, N failed` (tools/test-reporter/summary.mjs).
#
#   scripts/test.sh                         everything
#   scripts/test.sh libs/testing            only that project (built and linted with its dependencies)
#   scripts/test.sh libs/testing/src/x.test.ts tools/helm-check --test-name-pattern=retry
#
# Paths may be project folders, folders under them, test sources (src/**/*.test.ts, mapped to dist) or
# compiled test files; arguments starting with '-' go to `node --test` as they are.
set -euo pipefail

SCRIPT_NAME='test'
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
cd "$ROOT"

if [[ ${CI:-} == true ]]; then export NX_DAEMON=false; fi

# ---------------------------------------------------------------- arguments

NODE_FLAGS=()
FILTERS=()
for arg in "$@"; do
  if [[ $arg == -* ]]; then NODE_FLAGS+=("$arg"); else FILTERS+=("${arg%/}"); fi
done

# The project folder (libs/x or services/x) a path belongs to, if any.
project_dir_of() {
  [[ $1 =~ ^(\./)?((libs|services)/[^/]+) ]] && [[ -f ${BASH_REMATCH[2]}/package.json ]] && echo "${BASH_REMATCH[2]}"
}

project_name() {
  node -p "const p = require('./$1/package.json'); (p.nx && p.nx.name) || p.name"
}

# ---------------------------------------------------------------- test files

# Compiled tests of a project whose source still exists: tsc -b never deletes the output of a removed
# source, and a stale test must not run. Only *.test.js: node's folder discovery would also run
# helpers such as dist/test-db.js as test files.
project_tests() {
  local dir=$1 under=${2:-$1/dist} f rel
  [[ -d $under ]] || return 0
  while IFS= read -r f; do
    rel=${f#"$dir/dist/"}
    [[ -f $dir/src/${rel%.js}.ts ]] && echo "$f"
  done < <(find "$under" -name node_modules -prune -o -type f -name '*.test.js' -print | sort)
}

plain_tests() {
  find "$1" -name node_modules -prune -o -type f \( -name '*.test.js' -o -name '*.test.mjs' -o -name '*.test.cjs' \) -print |
    sort
}

# Echoes the test files a filter stands for.
tests_for() {
  local path=$1 project
  project="$(project_dir_of "$path" || true)"
  if [[ -z $project ]]; then
    if [[ -d $path ]]; then plain_tests "$path"; else echo "$path"; fi
  elif [[ $path == "$project" ]]; then
    project_tests "$project"
  elif [[ $path == "$project"/src/* ]]; then
    local rel=${path#"$project/src/"}
    if [[ -d $path ]]; then
      project_tests "$project" "$project/dist/$rel"
    else
      echo "$project/dist/${rel%.ts}.js"
    fi
  elif [[ -d $path ]]; then
    project_tests "$project" "$path"
  else
    echo "$path"
  fi
}

# ---------------------------------------------------------------- steps

main() {
  local filter
  for filter in "${FILTERS[@]}"; do [[ -e $filter ]] || die "no such file or folder: $filter"; done
  install_dependencies

  local projects=() dir
  for filter in "${FILTERS[@]}"; do
    if dir="$(project_dir_of "$filter")"; then projects+=("$(project_name "$dir")"); fi
  done
  local scope=(run-many)
  if ((${#FILTERS[@]} > 0)); then
    # Only what the filters need; tools/ tests need no build. nx builds the dependencies first.
    ((${#projects[@]} > 0)) && scope+=("--projects=$(printf '%s\n' "${projects[@]}" | sort -u | paste -sd, -)")
  fi

  if ((${#FILTERS[@]} == 0 || ${#projects[@]} > 0)); then
    log "building"
    nx_run "${scope[@]}" -t build || die "build failed"
    log "linting"
    nx_run "${scope[@]}" -t lint || die "lint failed"
  fi
  if ((${#FILTERS[@]} == 0)); then
    log "checking formatting"
    npx --no-install prettier --check --log-level warn . || die "formatting differs: run npm run format"
  fi

  # In CI nothing else needs the Kafka mock once the tests are done; a developer keeps it running.
  local infra_was_up=true
  bash scripts/infra.sh status >/dev/null 2>&1 || infra_was_up=false
  bash scripts/infra.sh up
  if [[ ${CI:-} == true && $infra_was_up == false ]]; then
    trap 'bash scripts/infra.sh down >/dev/null 2>&1 || true' EXIT
  fi
  eval "$(bash scripts/infra.sh env)"

  local files=()
  if ((${#FILTERS[@]} > 0)); then
    for filter in "${FILTERS[@]}"; do mapfile -t -O "${#files[@]}" files < <(tests_for "$filter"); done
  else
    for dir in libs/* services/*; do
      [[ -f $dir/package.json ]] && mapfile -t -O "${#files[@]}" files < <(project_tests "$dir")
    done
    [[ -d tools ]] && mapfile -t -O "${#files[@]}" files < <(plain_tests tools)
  fi
  # node --test without paths would search the whole repository.
  ((${#files[@]} > 0)) || die "no test files found${FILTERS[*]:+ for ${FILTERS[*]}}"
  for filter in "${files[@]}"; do [[ -f $filter ]] || die "test file $filter does not exist (not built?)"; done
  log "running ${#files[@]} test files"

  # Nothing may print after the runner: its summary line must stay the last line.
  local status=0
  node --test \
    --test-concurrency=2 \
    --test-timeout=120000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./tools/test-reporter/summary.mjs --test-reporter-destination=stdout \
    "${NODE_FLAGS[@]}" \
    "${files[@]}" || status=$?
  exit "$status"
}

main
