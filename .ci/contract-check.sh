#!/usr/bin/env bash
# Outside judges of the contract, run from the repository root (by .ci/run in CI; no stdin; needs the npm registry):
#   1. Redocly lints openapi.yaml with its recommended rules (.ci/contract/redocly.yaml); an error fails.
#      Spectral lints it with the OWASP API Security ruleset (.ci/contract/.spectral.yaml); an error fails, and the
#      number of findings of every severity is printed.
#   2. openapi-typescript turns openapi.yaml into TypeScript types; tsc type-checks the client script against them.
#   3. The app is started here (its own PostgreSQL, the seed corpus, a throw-away data folder, a free port), and the
#      script, through an openapi-fetch client, lists sources, finds the figure 2500 in both seed articles and
#      lists open conflicts, through Prism's proxy (@stoplight/prism-cli), which checks every request and answer
#      against openapi.yaml; any violation fails. The app and Prism are then stopped with SIGTERM (the app stops its
#      PostgreSQL), on failure too.
# Tools are pinned in .ci/contract/package.json and package-lock.json and installed with npm ci; nothing global.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=.ci/contract
started=$SECONDS

step() { printf '\n== %s\n' "$*"; }

lint_failed=""
spectral_failed=""

step "npm ci ($tools)"
(cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
bin="$root/$tools/node_modules/.bin"

step "redocly lint openapi.yaml (ruleset: $tools/redocly.yaml)"
# A failed lint fails the check at the end; the client is still run, so one run reports both.
"$bin/redocly" lint --config "$tools/redocly.yaml" --format stylish openapi.yaml || lint_failed=yes

step "spectral lint openapi.yaml (ruleset: $tools/.spectral.yaml, the OWASP API Security Top 10)"
findings=$(mktemp -t spectral.XXXXXX.json)
"$bin/spectral" lint --ruleset "$tools/.spectral.yaml" --fail-severity error -f stylish -f json --output.json "$findings" openapi.yaml \
  || spectral_failed=yes
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const by = s => r.filter(f => f.severity === s).length;
  console.log(`spectral: ${r.length} findings (${by(0)} errors, ${by(1)} warnings, ${by(2)} infos, ${by(3)} hints)`);' "$findings"
rm -f "$findings"

step "openapi-typescript openapi.yaml, then tsc on the client script"
rm -rf "$tools/generated"
"$bin/openapi-typescript" openapi.yaml --output "$tools/generated/claimtracker.d.ts"
(cd "$tools" && "$bin/tsc" --project tsconfig.json)
echo "the client script type-checks against the contract"

step "start the app"
work=$(mktemp -d -t claimtracker-contract.XXXXXX)
# The embedded PostgreSQL runs as the postgres user when we are root: it must be able to enter the folder.
chmod 755 "$work"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
api="http://127.0.0.1:$port"
app_pid=""
prism_pid=""

stop_app() {
  local code=$?
  if [[ -n "$prism_pid" ]] && kill -0 -- "-$prism_pid" 2>/dev/null; then
    kill -TERM -- "-$prism_pid" 2>/dev/null || true
  fi
  if [[ -n "$app_pid" ]] && kill -0 -- "-$app_pid" 2>/dev/null; then
    echo "stopping the app (SIGTERM to process group $app_pid)"
    kill -TERM -- "-$app_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do
      kill -0 -- "-$app_pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 -- "-$app_pid" 2>/dev/null; then
      echo "the app did not stop within 60 s: SIGKILL" >&2
      kill -KILL -- "-$app_pid" 2>/dev/null || true
      code=1
    fi
  fi
  # The app stops its PostgreSQL on the way out; if it could not, stop the server it left (its pid is in its pid file).
  local pidfile="$work/postgres/postmaster.pid"
  if [[ -f "$pidfile" ]]; then
    local pg_pid
    pg_pid=$(head -1 "$pidfile")
    if [[ -n "$pg_pid" ]] && kill -0 "$pg_pid" 2>/dev/null; then
      echo "PostgreSQL $pg_pid is still running: stopping it" >&2
      kill -TERM "$pg_pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.5; done
      code=1
    fi
  fi
  if [[ $code -eq 0 && -n "$lint_failed" ]]; then
    echo "FAILED: redocly lint found errors in openapi.yaml (see above)" >&2
    code=1
  fi
  if [[ $code -eq 0 && -n "$spectral_failed" ]]; then
    echo "FAILED: spectral (OWASP ruleset) found errors in openapi.yaml (see above)" >&2
    code=1
  fi
  if [[ $code -ne 0 && -f "$work/app.log" && -z "$lint_failed$spectral_failed" ]]; then
    echo "--- the app's log (last 60 lines)" >&2
    tail -60 "$work/app.log" >&2
  fi
  rm -rf "$work"
  echo "contract check took $((SECONDS - started)) s"
  exit "$code"
}
trap stop_app EXIT

# setsid: the app gets a process group of its own (dotnet run and the app it launches), so one SIGTERM reaches both.
setsid dotnet run --project src/ClaimTracker.Api -- --urls "$api" "--ClaimTracker:DataDirectory=$work/data" \
  >"$work/app.log" 2>&1 </dev/null &
app_pid=$!
echo "dotnet run (pid $app_pid) on $api, data in $work/data"

ready=""
for _ in $(seq 1 240); do
  if curl -sf -o /dev/null "$api/sources"; then ready=yes; break; fi
  if ! kill -0 "$app_pid" 2>/dev/null; then echo "the app exited before answering" >&2; exit 1; fi
  sleep 0.5
done
[[ -n "$ready" ]] || { echo "the app did not answer GET /sources within 120 s" >&2; exit 1; }
echo "GET /sources answers after $((SECONDS - started)) s"

step "Prism's proxy in front of the app"
prism_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
setsid "$bin/prism" proxy openapi.yaml "$api" --host 127.0.0.1 --port "$prism_port" --cors=false \
  >"$work/prism.log" 2>&1 </dev/null &
prism_pid=$!
for _ in $(seq 1 120); do
  grep -q "Prism is listening" "$work/prism.log" && break
  kill -0 "$prism_pid" 2>/dev/null || { cat "$work/prism.log" >&2; echo "Prism exited before listening" >&2; exit 1; }
  sleep 0.5
done
grep -q "Prism is listening" "$work/prism.log" || { tail -20 "$work/prism.log" >&2; echo "Prism did not listen within 60 s" >&2; exit 1; }
echo "prism proxy on http://127.0.0.1:$prism_port in front of $api"

step "the generated client against the app, through Prism"
(cd "$tools" && CLAIMTRACKER_API="http://127.0.0.1:$prism_port" CLAIMTRACKER_PRISM_PROXY=1 \
  CLAIMTRACKER_SEEDS="$root/seeds/articles" "$bin/tsx" check-client.ts)
