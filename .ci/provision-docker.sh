#!/usr/bin/env bash
# Provision a Docker engine and an offline-built PostgreSQL image for the Testcontainers tests.
#
# Usage (the machine is Debian 12, run as root; see shared/ENVIRONMENT.md, "Docker and Testcontainers"):
#   source .ci/provision-docker.sh          # provisions, then exports the environment into this shell
#   eval "$(bash .ci/provision-docker.sh)"  # same: run as a program it prints the export lines on stdout
# Progress and errors go to stderr. Sourced, it never exits the caller's shell: it returns non-zero on failure.
#
# What it does, each step skipped when already done (a re-run on the same machine takes seconds):
#   1. Docker engine. Debian 12's docker.io (API 1.41) is too old for Testcontainers 4 (it needs API >= 1.44), so:
#      apt-get install docker.io (Debian 12's runc, iptables, ...) and debootstrap; download Debian 13's docker.io,
#      docker-cli and containerd with a private apt configuration (same mirror, suite trixie), unpack them under the cache
#      folder and start that dockerd detached (it uses Debian 12's runc: Debian 13's needs a newer glibc).
#   2. Image. No registry is reachable, so `debootstrap --variant=minbase --include=postgresql-15,locales bookworm`
#      makes a root file system, `docker import` makes it a local base image, and .ci/postgres-image/Dockerfile
#      turns that into claimtracker/postgres:15-offline, with an entrypoint that behaves like the official image's.
#      The image carries a label hashing its recipe: edit the Dockerfile or entrypoint and the next run rebuilds it.
#   3. Environment exported: PATH (the new docker binaries first), DOCKER_HOST, TESTCONTAINERS_RYUK_DISABLED=true
#      (Ryuk's image can't be pulled, the tests dispose their containers themselves),
#      TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 unless already set (this machine has a /.dockerenv, so Testcontainers
#      would otherwise think it runs inside a container and connect to the docker0 gateway, 172.17.0.1, instead of
#      the loopback address where the ports are published too) and
#      CLAIMTRACKER_TEST_PG_IMAGE=claimtracker/postgres:15-offline.
# Knobs: CLAIMTRACKER_CI_CACHE (default /var/cache/claimtracker-ci), CLAIMTRACKER_DEBIAN_MIRROR (default: the URI of
# the bookworm entry in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list).
# A machine whose engine already answers with API >= 1.44 (e.g. Docker Desktop) keeps its engine.

# ---------------------------------------------------------------------------------------------------------------
# Worker: runs as its own bash process (never in the caller's shell), with strict error handling.
# ---------------------------------------------------------------------------------------------------------------
_ct_worker() {
	set -Eeuo pipefail
	umask 022
	export DEBIAN_FRONTEND=noninteractive
	export LC_ALL=C

	local envfile="$1"
	local script_dir; script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
	local image_dir="$script_dir/postgres-image"

	T0="${CT_PROVISION_T0:-$(date +%s)}"
	CACHE="${CLAIMTRACKER_CI_CACHE:-/var/cache/claimtracker-ci}"
	IMAGE="claimtracker/postgres:15-offline"
	MIN_API="1.44"
	DEFAULT_SOCK="unix:///var/run/docker.sock"
	DOCKERD_LOG="/var/log/claimtracker-dockerd.log"
	DOCKERD_PIDFILE="/var/run/docker.pid"
	ROOTFS_LOG="$CACHE/debootstrap.log"
	# Changing what goes into the root file system: change this key (it names the cached tarball).
	ROOTFS_INCLUDE="postgresql-15,locales"
	ROOTFS_KEY="bookworm-minbase-$(printf '%s' "$ROOTFS_INCLUDE" | tr ',' '-')-v1"
	ROOTFS_TAR="$CACHE/rootfs-$ROOTFS_KEY.tar"
	ROOTFS_IMAGE="claimtracker/postgres-rootfs:$ROOTFS_KEY"   # `docker import` of ROOTFS_TAR
	DOCKER_ROOT="$CACHE/docker-root"          # Debian 13's docker.io + containerd, unpacked
	BIN_DIRS="$DOCKER_ROOT/usr/sbin:$DOCKER_ROOT/usr/bin"
	STEP="start"
	ROOTFS_PID=""
	APT_UPDATED=0
	LOCKED=0
	REMOVE_POLICY_RC=0

	trap '_ct_on_exit $?' EXIT

	if [ -d "$DOCKER_ROOT/usr/bin" ]; then PATH="$BIN_DIRS:$PATH"; fi
	export PATH

	# --- 1. Docker engine ---------------------------------------------------------------------------------
	STEP="checking for a Docker engine"
	local api=""
	if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "$DEFAULT_SOCK" ]; then
		api="$(_ct_engine_api)"
		if _ct_api_ok "$api"; then
			_ct_log "engine at DOCKER_HOST=$DOCKER_HOST answers (API $api): keeping it"
		else
			_ct_log "DOCKER_HOST=$DOCKER_HOST does not answer with API >= $MIN_API (got '${api:-nothing}'): using $DEFAULT_SOCK"
			api=""
		fi
	fi
	if [ -z "$api" ]; then
		export DOCKER_HOST="$DEFAULT_SOCK"
		unset DOCKER_CONTEXT
		api="$(_ct_engine_api)"
	fi

	if _ct_api_ok "$api"; then
		_ct_log "Docker engine already answers at $DOCKER_HOST (API $api): skipping engine setup"
	else
		[ "$(id -u)" = 0 ] || _ct_die "no Docker engine with API >= $MIN_API answers at $DOCKER_HOST, and setting one up needs root"
		_ct_lock

		if [ -n "$api" ]; then _ct_stop_old_engine "$api"; fi

		STEP="installing Debian 12 packages (docker.io, debootstrap)"
		_ct_apt_install docker.io debootstrap

		# The root file system needs only the network: build it while the engine is set up (when not cached;
		# with the engine down, whether the images are still in its data folder can't be checked yet).
		if [ ! -s "$ROOTFS_TAR" ]; then
			_ct_log "building the PostgreSQL root file system in the background (log: $ROOTFS_LOG)"
			( trap - EXIT; _ct_build_rootfs ) >"$ROOTFS_LOG" 2>&1 &
			ROOTFS_PID=$!
		fi

		STEP="getting Debian 13's dockerd and containerd"
		_ct_fetch_engine
		PATH="$BIN_DIRS:$PATH"

		STEP="starting dockerd"
		_ct_start_dockerd
	fi

	# --- 2. Image ------------------------------------------------------------------------------------------
	STEP="checking image $IMAGE"
	local recipe
	recipe="$( { printf '%s\n' "$ROOTFS_KEY"; cat "$image_dir/Dockerfile" "$image_dir/docker-entrypoint.sh"; } | sha256sum | cut -c1-16)"
	local have
	have="$(docker image inspect --format '{{ index .Config.Labels "org.claimtracker.recipe" }}' "$IMAGE" 2>/dev/null || true)"
	if [ "$have" = "$recipe" ]; then
		_ct_log "image $IMAGE is present and up to date (recipe $recipe): skipping build"
		if [ -n "$ROOTFS_PID" ]; then
			# Started while the engine was down (the image's presence could not be checked): let it fill the cache
			# rather than leave it running during the tests.
			STEP="building the PostgreSQL root file system (debootstrap; log $ROOTFS_LOG)"
			_ct_log "waiting for the background root file system build to finish (fills the cache)"
			wait "$ROOTFS_PID"
			ROOTFS_PID=""
		fi
	else
		if [ -n "$have" ]; then _ct_log "image $IMAGE has recipe '$have', wanted $recipe: rebuilding"; fi
		[ "$(id -u)" = 0 ] || _ct_die "image $IMAGE is missing or stale, and building it needs root"
		_ct_lock
		if [ -n "$ROOTFS_PID" ]; then
			STEP="building the PostgreSQL root file system (debootstrap; log $ROOTFS_LOG)"
			_ct_log "waiting for the root file system build"
			wait "$ROOTFS_PID"
			ROOTFS_PID=""
			_ct_log "root file system ready: $ROOTFS_TAR ($(du -m "$ROOTFS_TAR" | cut -f1) MB)"
		fi
		if docker image inspect "$ROOTFS_IMAGE" >/dev/null 2>&1; then
			_ct_log "base image $ROOTFS_IMAGE is present"
		else
			if [ ! -s "$ROOTFS_TAR" ]; then
				STEP="building the PostgreSQL root file system (debootstrap; log $ROOTFS_LOG)"
				_ct_apt_install debootstrap
				_ct_log "building the PostgreSQL root file system (log: $ROOTFS_LOG)"
				( trap - EXIT; _ct_build_rootfs ) >"$ROOTFS_LOG" 2>&1
				_ct_log "root file system ready: $ROOTFS_TAR ($(du -m "$ROOTFS_TAR" | cut -f1) MB)"
			fi
			STEP="importing the root file system as $ROOTFS_IMAGE"
			_ct_log "docker import $ROOTFS_TAR $ROOTFS_IMAGE"
			docker import "$ROOTFS_TAR" "$ROOTFS_IMAGE" >/dev/null
		fi

		STEP="building image $IMAGE"
		local ctx="$CACHE/image-context"
		rm -rf "$ctx"
		mkdir -p "$ctx"
		cp "$image_dir/Dockerfile" "$image_dir/docker-entrypoint.sh" "$ctx/"
		_ct_log "docker build -t $IMAGE (log: $CACHE/image-build.log)"
		# The legacy builder: no buildx plugin here, and it uses the local base image without pulling.
		if ! DOCKER_BUILDKIT=0 docker build --build-arg "ROOTFS_IMAGE=$ROOTFS_IMAGE" \
			--label "org.claimtracker.recipe=$recipe" -t "$IMAGE" "$ctx" >"$CACHE/image-build.log" 2>&1; then
			tail -n 30 "$CACHE/image-build.log" >&2
			_ct_die "docker build failed (full log: $CACHE/image-build.log)"
		fi
		rm -rf "$ctx"
		# Earlier builds of the tag are left dangling: remove them.
		docker image prune --force --filter "label=org.claimtracker.recipe" >/dev/null 2>&1 || true
		_ct_log "image $IMAGE built"
	fi

	# --- 3. Environment for the caller ---------------------------------------------------------------------
	STEP="writing the environment"
	{
		printf 'DOCKER_HOST=%s\n' "$DOCKER_HOST"
		if [ -d "$DOCKER_ROOT/usr/bin" ]; then printf 'BIN_DIRS=%s\n' "$BIN_DIRS"; fi
		printf 'IMAGE=%s\n' "$IMAGE"
	} >"$envfile"
	STEP="done"
}

_ct_log() { printf '[provision-docker +%ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }

_ct_die() { _ct_log "ERROR: $*"; exit 1; }

# One provisioning run at a time on a machine (fd 9 stays open, and locked, until this run and its
# background root file system build have ended; dockerd does not inherit it).
_ct_lock() {
	[ "$LOCKED" = 0 ] || return 0
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock"
	STEP="waiting for another provisioning run to finish (lock $CACHE/.lock)"
	flock 9
	LOCKED=1
}

_ct_on_exit() {
	local rc="$1"
	if [ -n "${REMOVE_POLICY_RC:-}" ] && [ "$REMOVE_POLICY_RC" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
	if [ "$rc" != 0 ]; then
		_ct_log "FAILED (exit $rc) while: $STEP"
		if [ -s "$DOCKERD_LOG" ]; then
			_ct_log "last lines of the dockerd log $DOCKERD_LOG:"
			tail -n 25 "$DOCKERD_LOG" >&2 || true
		fi
		case "$STEP" in
			*root\ file\ system*)
				if [ -s "$ROOTFS_LOG" ]; then
					_ct_log "last lines of $ROOTFS_LOG:"
					tail -n 25 "$ROOTFS_LOG" >&2 || true
				fi ;;
		esac
	fi
}

# Server API version of the engine at $DOCKER_HOST, or nothing.
_ct_engine_api() {
	command -v docker >/dev/null 2>&1 || return 0
	timeout 20 docker version --format '{{.Server.APIVersion}}' 2>/dev/null || true
}

_ct_api_ok() {
	[ -n "$1" ] || return 1
	[ "$(printf '%s\n%s\n' "$MIN_API" "$1" | sort -V | head -n1)" = "$MIN_API" ]
}

# An engine answers but is too old (e.g. Debian 12's own dockerd, started by its package): stop it if it is that one.
_ct_stop_old_engine() {
	local api="$1" pid exe
	STEP="replacing the old Docker engine (API $api)"
	pid="$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)"
	exe="$(readlink "/proc/${pid:-0}/exe" 2>/dev/null || true)"
	if [ -n "$pid" ] && { [ "$exe" = /usr/sbin/dockerd ] || [ "$exe" = /usr/bin/dockerd ]; }; then
		_ct_log "an old Docker engine (API $api, $exe, pid $pid) answers at $DOCKER_HOST: stopping it"
		kill -TERM "$pid"
		for _ in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || return 0
			sleep 1
		done
		_ct_die "the old Docker engine (pid $pid) did not stop within 30 s"
	fi
	_ct_die "a Docker engine with API $api (< $MIN_API, too old for Testcontainers 4) answers at $DOCKER_HOST and is not Debian's packaged one; stop it and re-run"
}

_ct_apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		# Debian 12's docker.io would start its own (too old) dockerd from its postinst: forbid service starts.
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		REMOVE_POLICY_RC=1
	fi
	if [ "$APT_UPDATED" = 0 ]; then
		_ct_log "apt-get update"
		apt-get update -qq >/dev/null
		APT_UPDATED=1
	fi
	_ct_log "apt-get install ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	if [ "$REMOVE_POLICY_RC" = 1 ]; then rm -f /usr/sbin/policy-rc.d; REMOVE_POLICY_RC=0; fi
}

# URI of the Debian mirror this machine uses for bookworm.
_ct_mirror() {
	if [ -n "${CLAIMTRACKER_DEBIAN_MIRROR:-}" ]; then printf '%s\n' "$CLAIMTRACKER_DEBIAN_MIRROR"; return; fi
	local uri=""
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		uri="$(awk '
			/^[[:space:]]*$/ { if (u != "" && s ~ /(^| )bookworm( |$)/) { print u; exit } u = ""; s = ""; next }
			/^URIs:/ { u = $2 }
			/^Suites:/ { $1 = ""; s = $0 " " }
			END { if (u != "" && s ~ /(^| )bookworm( |$)/) print u }
		' /etc/apt/sources.list.d/debian.sources | head -n1)"
	fi
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri="$(awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list)"
	fi
	printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# Debian 13's docker.io and containerd, unpacked into $DOCKER_ROOT (cached).
_ct_fetch_engine() {
	if [ -x "$DOCKER_ROOT/usr/sbin/dockerd" ] && [ -x "$DOCKER_ROOT/usr/bin/containerd" ] && [ -x "$DOCKER_ROOT/usr/bin/docker" ]; then
		_ct_log "Debian 13 engine binaries already unpacked in $DOCKER_ROOT"
		return 0
	fi
	local apt_dir="$CACHE/apt-trixie" debs="$CACHE/debs" mirror
	mirror="$(_ct_mirror)"
	mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$debs"
	cat >"$apt_dir/sources.list.d/trixie.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: trixie
		Components: main
		Architectures: $(dpkg --print-architecture)
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	local opts=(
		-o Dir::Etc::SourceList=/dev/null
		-o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
		-o "Dir::State::Lists=$apt_dir/lists"
		-o "Dir::Cache=$apt_dir/cache"
		-o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null
		-o Acquire::Languages=none
		-o APT::Sandbox::User=root
	)
	if ! ls "$debs"/docker.io_*.deb "$debs"/docker-cli_*.deb "$debs"/containerd_*.deb >/dev/null 2>&1; then
		_ct_log "apt-get update (private: $mirror trixie)"
		apt-get "${opts[@]}" update -qq >/dev/null
		_ct_log "apt-get download docker.io docker-cli containerd (trixie)"
		(cd "$debs" && apt-get "${opts[@]}" download -qq docker.io docker-cli containerd >/dev/null)
	fi
	local tmp="$DOCKER_ROOT.tmp" deb
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for deb in "$debs"/docker.io_*.deb "$debs"/docker-cli_*.deb "$debs"/containerd_*.deb; do
		dpkg -x "$deb" "$tmp"
	done
	[ -x "$tmp/usr/sbin/dockerd" ] || _ct_die "no usr/sbin/dockerd in $(ls "$debs")"
	rm -rf "$DOCKER_ROOT"
	mv "$tmp" "$DOCKER_ROOT"
	_ct_log "unpacked $(cd "$debs" && ls -- *.deb | tr '\n' ' ')into $DOCKER_ROOT"
}

_ct_start_dockerd() {
	local pid=""
	pid="$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)"
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/exe")" = "$DOCKER_ROOT/usr/sbin/dockerd" ]; then
		_ct_log "dockerd (pid $pid) is already running: waiting for it to answer"
	else
		if [ -n "$pid" ]; then
			_ct_log "removing the stale pid file $DOCKERD_PIDFILE (pid $pid is not a running dockerd of ours)"
			kill -0 "$pid" 2>/dev/null && _ct_die "pid $pid from $DOCKERD_PIDFILE is running $(readlink "/proc/$pid/exe" || true), not our dockerd; stop it and re-run"
			rm -f "$DOCKERD_PIDFILE"
		fi
		if [ -s "$DOCKERD_LOG" ]; then mv -f "$DOCKERD_LOG" "$DOCKERD_LOG.old"; fi
		_ct_log "starting $("$DOCKER_ROOT/usr/sbin/dockerd" --version) (log: $DOCKERD_LOG)"
		# Detached: own session, no terminal, survives this script and the CI step that sourced it.
		setsid nohup env PATH="$BIN_DIRS:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
			"$DOCKER_ROOT/usr/sbin/dockerd" --host="$DEFAULT_SOCK" --pidfile="$DOCKERD_PIDFILE" \
			</dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
		pid=$!
	fi
	local api=""
	for _ in $(seq 1 120); do
		api="$(timeout 5 docker version --format '{{.Server.APIVersion}}' 2>/dev/null || true)"
		if _ct_api_ok "$api"; then
			_ct_log "dockerd answers at $DOCKER_HOST (API $api, pid $pid)"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			_ct_die "dockerd exited during startup (see its log above)"
		fi
		sleep 0.5
	done
	_ct_die "dockerd did not answer within 60 s"
}

# debootstrap a minimal Debian 12 with PostgreSQL 15, and pack it as $ROOTFS_TAR (cached).
_ct_build_rootfs() {
	set -Eeuo pipefail
	local dir="$CACHE/rootfs.tmp" mirror
	mirror="$(_ct_mirror)"
	_ct_clean_rootfs_dir "$dir"
	echo "debootstrap --variant=minbase --include=$ROOTFS_INCLUDE bookworm $dir $mirror"
	debootstrap --variant=minbase --include="$ROOTFS_INCLUDE" bookworm "$dir" "$mirror"
	# Not needed in the image: package caches and lists, docs, the package's default cluster.
	rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
		"$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
		"$dir"/var/lib/postgresql/15 "$dir"/etc/postgresql/15/main
	find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
	tar --numeric-owner -C "$dir" -cf "$ROOTFS_TAR.tmp" .
	mv -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
	_ct_clean_rootfs_dir "$dir"
	echo "packed $ROOTFS_TAR"
}

# Remove a (possibly half-made) debootstrap folder without crossing into mounts debootstrap may have left.
_ct_clean_rootfs_dir() {
	local dir="$1" m
	[ -e "$dir" ] || return 0
	for m in $(awk -v d="$dir" 'index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" || true
	done
	rm -rf --one-file-system "$dir"
}

# ---------------------------------------------------------------------------------------------------------------
# Front: sourced, it exports into the caller's shell; run as a program, it prints the export lines.
# ---------------------------------------------------------------------------------------------------------------
_ct_provision_docker() {
	local self="$1" sourced="$2" envfile rc t0
	t0="$(date +%s)"
	envfile="$(mktemp)" || return 1
	if CT_PROVISION_T0="$t0" bash "$self" --worker "$envfile"; then rc=0; else rc=$?; fi
	if [ "$rc" != 0 ]; then
		rm -f "$envfile"
		echo "provision-docker: FAILED (exit $rc): no Docker engine / PostgreSQL image for the tests; see the messages above" >&2
		return "$rc"
	fi
	local key value docker_host="" bin_dirs="" image=""
	while IFS='=' read -r key value; do
		case "$key" in
			DOCKER_HOST) docker_host="$value" ;;
			BIN_DIRS) bin_dirs="$value" ;;
			IMAGE) image="$value" ;;
		esac
	done <"$envfile"
	rm -f "$envfile"
	local new_path="$PATH" d
	if [ -n "$bin_dirs" ]; then
		# Prepend usr/bin, then usr/sbin, so usr/sbin ends up first.
		for d in "${bin_dirs#*:}" "${bin_dirs%%:*}"; do
			case ":$new_path:" in *":$d:"*) ;; *) new_path="$d:$new_path" ;; esac
		done
	fi
	if [ "$sourced" = 1 ]; then
		export PATH="$new_path"
		export DOCKER_HOST="$docker_host"
		export TESTCONTAINERS_RYUK_DISABLED=true
		export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
		export CLAIMTRACKER_TEST_PG_IMAGE="$image"
		echo "[provision-docker] ready in $(( $(date +%s) - t0 ))s; exported DOCKER_HOST=$DOCKER_HOST TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=$TESTCONTAINERS_HOST_OVERRIDE CLAIMTRACKER_TEST_PG_IMAGE=$image and PATH (docker binaries first)" >&2
	else
		printf 'export PATH=%q\n' "$new_path"
		printf 'export DOCKER_HOST=%q\n' "$docker_host"
		printf 'export TESTCONTAINERS_RYUK_DISABLED=true\n'
		printf 'export TESTCONTAINERS_HOST_OVERRIDE=%q\n' "${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
		printf 'export CLAIMTRACKER_TEST_PG_IMAGE=%q\n' "$image"
		echo "[provision-docker] ready in $(( $(date +%s) - t0 ))s; export the lines above (eval \"\$(bash $self)\")" >&2
	fi
	return 0
}

if (return 0 2>/dev/null); then
	# Sourced: run the front in the caller's shell (it never exits it), drop the helpers, return its status.
	if _ct_provision_docker "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")" 1; then
		_ct_rc=0
	else
		_ct_rc=$?
	fi
	# shellcheck disable=SC2046  # one word per helper function name
	unset -f $(compgen -A function _ct_)
	return "$_ct_rc"
else
	if [ "${1:-}" = "--worker" ]; then
		_ct_worker "${2:?--worker needs the path of the environment file}"
	else
		_ct_provision_docker "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")" 0
	fi
fi
