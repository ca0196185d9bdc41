#!/usr/bin/env bash
# ClaimTracker on one machine as it runs on several: a pg_auto_failover monitor, a primary and two standbys,
# two app instances, and nginx in front of them. Everything listens on 127.0.0.1 and lives in one folder.
#
#   deploy/local-cluster.sh up         # build the app, start everything (about a minute), print the addresses
#   deploy/local-cluster.sh status     # pg_auto_failover's view, and each app instance's readiness
#   deploy/local-cluster.sh failover   # kill the primary (SIGKILL), time until writes through nginx succeed again
#   deploy/local-cluster.sh down       # stop everything; `down --purge` also deletes the folder
#
# Settings (environment): CLAIMTRACKER_CLUSTER_DIR (/tmp/claimtracker-cluster), CLAIMTRACKER_CLUSTER_PORT (5180,
# nginx's). The app instances, the monitor and the three PostgreSQL nodes take free loopback ports (in $dir/ports).
# Run as root it installs the Debian packages it needs and runs PostgreSQL as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

dir=${CLAIMTRACKER_CLUSTER_DIR:-/tmp/claimtracker-cluster}
port=${CLAIMTRACKER_CLUSTER_PORT:-5180}
bin=/usr/lib/postgresql/15/bin
app_password=local-cluster
# The monitor's timings, shortened from the defaults (docs/deployment.md says what each costs).
monitor_settings=(
  "pgautofailover.health_check_period=1000"
  "pgautofailover.health_check_timeout=1000"
  "pgautofailover.health_check_max_retries=1"
  "pgautofailover.health_check_retry_delay=500"
  "pgautofailover.node_considered_unhealthy_timeout=3000"
  "pgautofailover.primary_demote_timeout=5000"
)

# A port nothing listens on, IPv4 or IPv6 (a server bound to one of them only would still take connections).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -Htln "( sport = :$p )" 2>/dev/null | grep -q . && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
    echo "$p"; return
  done
}
# The ports `up` chose, kept for the other commands.
[[ -f $dir/ports ]] && source "$dir/ports"

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# pg_autoctl and psql as the postgres user when run as root (PostgreSQL refuses root), with pg_autoctl's
# configuration and state in the cluster folder rather than in a home directory.
pg_user=(env "PATH=$bin:$PATH" "XDG_CONFIG_HOME=$dir/config" "XDG_DATA_HOME=$dir/share" "XDG_RUNTIME_DIR=$dir/run")
[[ $EUID -eq 0 ]] && pg_user=(runuser -u postgres -- "${pg_user[@]}")
as_pg() { "${pg_user[@]}" "$@"; }
sql() { local p=$1; shift; psql -X -q -At -h 127.0.0.1 -p "$p" "$@"; }
monitor_sql() { sql "$pg_monitor" -U autoctl_node -d pg_auto_failover -c "$1"; }

# Starts a command in a session of its own (so `down` can end it and all it started); its pid, the session's id,
# goes to $dir/pids/NAME.
start_bg() {
  local name=$1; shift
  setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

need() {
  local missing=()
  command -v pg_autoctl >/dev/null || missing+=(postgresql-15-auto-failover pg-auto-failover-cli)
  [[ -x $bin/pg_ctl ]] || missing+=(postgresql-15)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v dotnet >/dev/null || die "the .NET 10 SDK is needed (dotnet on PATH)"
  if ((${#missing[@]})); then
    [[ $EUID -eq 0 ]] || die "install first: apt-get install ${missing[*]}"
    say "installing ${missing[*]}"
    apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
    # Debian's nginx package starts its own server on port 80; this cluster runs its own.
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
}

wait_for() { # seconds, description, command...
  local limit=$1 what=$2; shift 2
  local start; start=$(now)
  until "$@" >/dev/null 2>&1; do
    awk -v s="$(since "$start")" -v l="$limit" 'BEGIN { exit !(s > l) }' && die "$what did not happen within $limit s (logs: $dir/logs)"
    sleep 0.25
  done
}
state_is() { [[ $(monitor_sql "select reportedstate || '/' || goalstate from pgautofailover.node where nodename = '$1'") == "$2/$2" ]]; }
checkpoint_then_state_is() { sql "$3" -U postgres -d claimtracker -c 'checkpoint' >/dev/null 2>&1 || true; state_is "$1" "$2"; }
primary_port() { monitor_sql "select nodeport from pgautofailover.node where reportedstate in ('primary', 'wait_primary', 'single') order by reportedstate limit 1"; }
connection_string() {
  echo "Host=127.0.0.1:${pg_nodes[0]},127.0.0.1:${pg_nodes[1]},127.0.0.1:${pg_nodes[2]};Database=claimtracker;Username=claimtracker_app;Password=$app_password"
}

start_node() { # name, port
  start_bg "$1" "${pg_user[@]}" pg_autoctl create postgres --pgdata "$dir/$1" --pgport "$2" --listen 127.0.0.1 --hostname 127.0.0.1 --name "$1" \
    --dbname claimtracker --auth trust --no-ssl --pgctl "$bin/pg_ctl" \
    --monitor "postgres://autoctl_node@127.0.0.1:$pg_monitor/pg_auto_failover?sslmode=disable" --run
}

up() {
  need
  [[ -e $dir/pids ]] && die "$dir is in use: run 'down' first (or set CLAIMTRACKER_CLUSTER_DIR)"
  local started; started=$(now)
  mkdir -p "$dir"/{config,share,run,logs,pids,nginx}
  app_ports=($(free_port) $(free_port))
  pg_monitor=$(free_port)
  pg_nodes=($(free_port) $(free_port) $(free_port))
  declare -p app_ports pg_monitor pg_nodes >"$dir/ports"
  # The postgres user must reach the folder; a checkout under /root would not do, so it lives in /tmp by default.
  chmod 755 "$dir"
  [[ $EUID -eq 0 ]] && chown postgres:postgres "$dir" "$dir"/{config,share,run}

  say "building the app"
  dotnet build "$repo/src/ClaimTracker.Api" -c Release --nologo -v quiet >"$dir/logs/build.log" 2>&1 || die "the build failed ($dir/logs/build.log)"

  say "starting the pg_auto_failover monitor on $pg_monitor"
  start_bg monitor "${pg_user[@]}" pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$pg_monitor" --hostname 127.0.0.1 \
    --auth trust --no-ssl --pgctl "$bin/pg_ctl" --run
  wait_for 60 "the monitor answering" monitor_sql "select 1 from pgautofailover.node limit 0"
  for setting in "${monitor_settings[@]}"; do
    sql "$pg_monitor" -U postgres -d pg_auto_failover -c "alter system set ${setting%%=*} = ${setting#*=}"
  done
  sql "$pg_monitor" -U postgres -d pg_auto_failover -c "select pg_reload_conf()" >/dev/null

  say "starting the primary on ${pg_nodes[0]}"
  start_node node1 "${pg_nodes[0]}"
  wait_for 60 "node1 becoming the only node" state_is node1 single
  sql "${pg_nodes[0]}" -U postgres -d claimtracker -c "create role claimtracker_app login password '$app_password'" \
    -c "alter database claimtracker owner to claimtracker_app" -c "alter schema public owner to claimtracker_app"
  for i in 2 3; do
    say "starting standby node$i on ${pg_nodes[$((i - 1))]}"
    start_node "node$i" "${pg_nodes[$((i - 1))]}"
    # pg_basebackup waits for a checkpoint that PostgreSQL would spread over minutes: ask for it at once.
    wait_for 120 "node$i becoming a secondary" checkpoint_then_state_is "node$i" secondary "${pg_nodes[0]}"
  done
  # A primary cut off from the monitor and every standby demotes itself after this long: under the monitor's
  # primary_demote_timeout (5 s), so that two primaries never take writes at once.
  for i in 1 2 3; do as_pg pg_autoctl config set --pgdata "$dir/node$i" timeout.network_partition_timeout 4 >/dev/null; done
  wait_for 60 "node1 becoming the primary" state_is node1 primary

  local dll="$repo/src/ClaimTracker.Api/bin/Release/net10.0/ClaimTracker.Api.dll"
  for i in 0 1; do
    say "starting app instance $((i + 1)) on ${app_ports[$i]}"
    start_bg "app$((i + 1))" env ASPNETCORE_ENVIRONMENT=Production \
      "ConnectionStrings__ClaimTracker=$(connection_string)" \
      ClaimTracker__ForwardedHeaders__KnownProxies__0=127.0.0.1 \
      ClaimTracker__DataDirectory="$dir/app$((i + 1))" \
      dotnet "$dll" --urls "http://127.0.0.1:${app_ports[$i]}"
    # The first instance migrates and seeds; the second then finds it done (both would also take turns on a lock).
    wait_for 120 "app instance $((i + 1)) ready" curl -fsS "http://127.0.0.1:${app_ports[$i]}/health/ready"
  done

  cat >"$dir/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/logs/nginx-access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  client_max_body_size 8g;
  upstream claimtracker {
    server 127.0.0.1:${app_ports[0]} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${app_ports[1]} max_fails=1 fail_timeout=2s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://claimtracker;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      # The app believes this header from 127.0.0.1 only (ClaimTracker:ForwardedHeaders:KnownProxies).
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # Only requests nginx may repeat go to the other instance when one is down (nginx never repeats a POST).
      proxy_next_upstream error timeout;
      proxy_request_buffering off;
    }
  }
}
EOF
  say "starting nginx on $port"
  nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
  cp "$dir/nginx/nginx.pid" "$dir/pids/nginx-master"
  wait_for 10 "nginx answering" curl -fsS "http://127.0.0.1:$port/health/ready"

  as_pg env "ConnectionStrings__ClaimTracker=$(connection_string)" ClaimTracker__Seed=false ClaimTracker__DataDirectory="$dir/app1" \
    dotnet "$dll" keys create "local-cluster" 2>/dev/null | grep -o 'ct_[A-Za-z0-9_-]*' | head -1 >"$dir/curator-key" \
    || die "could not make a curator key"
  say "up in $(since "$started") s: http://127.0.0.1:$port (curator key in $dir/curator-key)"
  status
}

status() {
  as_pg pg_autoctl show state --pgdata "$dir/monitor" || true
  sql "$(primary_port)" -U postgres -d claimtracker -c "select 'synchronous_standby_names: ' || current_setting('synchronous_standby_names')" || true
  for i in 0 1; do
    printf 'app instance %d (%s): %s\n' $((i + 1)) "${app_ports[$i]}" \
      "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${app_ports[$i]}/health/ready" || true)"
  done
  printf 'nginx (%s): %s\n' "$port" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
}

# A write through nginx: its status code (each with a key of its own, so a repeat would be a replay, not a double).
write_once() {
  curl -s -o /dev/null -w '%{http_code}' -m 10 -X POST "http://127.0.0.1:$port/subjects" \
    -H "Authorization: Bearer $(cat "$dir/curator-key")" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: failover-$1" -d "{\"name\": \"Failover probe $1\"}" || echo 000
}

failover() {
  [[ -s $dir/curator-key ]] || die "the cluster is not up ($dir/curator-key is missing)"
  local primary victim
  primary=$(primary_port)
  victim=$(monitor_sql "select nodename from pgautofailover.node where nodeport = $primary")
  [[ $(write_once "before-$(date +%s%N)") == 201 ]] || die "writes do not succeed before the failover"
  say "killing $victim (port $primary): its pg_autoctl and its PostgreSQL, with SIGKILL"
  local killed; killed=$(now)
  kill -KILL -- "-$(cat "$dir/pids/$victim")"
  local pid; pid=$(head -1 "$dir/$victim/postmaster.pid" 2>/dev/null || true)
  [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true
  local tries=0 refused=0 code
  while :; do
    tries=$((tries + 1))
    code=$(write_once "$(date +%s%N)")
    [[ $code == 201 ]] && break
    refused=$((refused + 1))
    [[ $code == 503 ]] || say "a write answered $code"
    awk -v s="$(since "$killed")" 'BEGIN { exit !(s > 120) }' && die "no write succeeded within 120 s"
    sleep 0.2
  done
  say "failover: writes through nginx succeed again $(since "$killed") s after the kill ($refused refused with 503, $tries tries)"
  say "the new primary: port $(primary_port); restart the old one as a standby with: $0 rejoin $victim"
}

rejoin() {
  local name=${1:?which node}
  start_bg "$name" "${pg_user[@]}" pg_autoctl run --pgdata "$dir/$name"
  wait_for 120 "$name rejoining as a secondary" state_is "$name" secondary
  status
}

down() {
  [[ -f $dir/pids/nginx-master ]] && nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -s stop 2>/dev/null || true
  for name in app1 app2; do
    [[ -f $dir/pids/$name ]] && kill -TERM -- "-$(cat "$dir/pids/$name")" 2>/dev/null || true
  done
  # Standbys and primary first, the monitor last; pg_autoctl stops its PostgreSQL on SIGTERM.
  for name in node3 node2 node1 monitor; do
    [[ -f $dir/pids/$name ]] && kill -TERM -- "-$(cat "$dir/pids/$name")" 2>/dev/null || true
  done
  sleep 3
  for name in node3 node2 node1 monitor; do
    local pid; pid=$(head -1 "$dir/$name/postmaster.pid" 2>/dev/null || true)
    [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$dir/pids"
  if [[ ${1:-} == --purge ]]; then rm -rf "$dir"; say "stopped; $dir deleted"; else say "stopped; the data stays in $dir"; fi
}

case ${1:-} in
  up) up ;;
  status) status ;;
  failover) failover ;;
  rejoin) rejoin "${2:-}" ;;
  down) down "${2:-}" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
