#!/usr/bin/env bash
# A throwaway, single-node Ceph RGW (a real S3 server) for the integration tests.
#
#   scripts/ceph-rgw.sh start  [--dir DIR] [--port PORT]   bring it up (or reuse a healthy one in DIR)
#   scripts/ceph-rgw.sh stop   [--dir DIR]                 stop exactly the daemons started from DIR
#   scripts/ceph-rgw.sh status [--dir DIR]                 exit 0 running, 1 partly running, 3 stopped
#   scripts/ceph-rgw.sh env    [--dir DIR]                 print `export AWS_…=…` lines for the endpoint
#
# DIR defaults to /tmp/s3func-ceph. PORT defaults to 7480 when that is free, otherwise a free port.
# Credentials: S3_TEST_ACCESS_KEY / S3_TEST_SECRET_KEY (fixed test defaults below).
# A second gateway on the same cluster serves STS (AssumeRole, GetSessionToken) with a role the test
# user may assume; `env` names it as S3_TEST_STS_ENDPOINT and S3_TEST_STS_ROLE_ARN
# (test/integration/credentials-ceph-sts.test.ts).
# CEPH_RGW_START_TIMEOUT (seconds, default 90) bounds the wait for the gateway.
#
# Everything lives in memory (memstore) and listens on 127.0.0.1 only; auth between the daemons is
# off. It is a test fixture, not a deployment: never point it at data you care about.
set -Eeuo pipefail

readonly PACKAGES=(radosgw ceph-mon ceph-osd)
readonly ACCESS_KEY=${S3_TEST_ACCESS_KEY:-s3functest}
readonly SECRET_KEY=${S3_TEST_SECRET_KEY:-s3functestsecret}
readonly REGION=us-east-1
readonly USER_ID=s3func-test
# The role of the STS tests: the test user may assume it, and it may do anything in S3.
readonly STS_ROLE=s3func-test-role
readonly STS_ROLE_ARN=arn:aws:iam:::role/$STS_ROLE
readonly START_TIMEOUT_S=${CEPH_RGW_START_TIMEOUT:-90}
# The first line of every ceph.conf we write. `start` only ever wipes a directory that carries it,
# so a mistyped --dir cannot delete someone's files.
readonly MARKER='# s3func ceph-rgw.sh test cluster'

log() { printf 'ceph-rgw: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

CMD=${1:-}
case $CMD in
  start | stop | status | env) shift ;;
  -h | --help | help) usage ;;
  *) die "unknown command '$CMD' (start | stop | status | env; --help for usage)" ;;
esac
DIR=/tmp/s3func-ceph
PORT=
while (($#)); do
  case $1 in
    --dir) DIR=${2:?--dir needs a value}; shift 2 ;;
    --dir=*) DIR=${1#*=}; shift ;;
    --port) PORT=${2:?--port needs a value}; shift 2 ;;
    --port=*) PORT=${1#*=}; shift ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ -z $PORT || $PORT =~ ^[0-9]+$ ]] || die "--port must be a number, got '$PORT'"
DIR=$(realpath -m -- "$DIR") # absolute: it is baked into ceph.conf and matched against /proc
readonly DIR
readonly CONF=$DIR/ceph.conf
readonly STATE=$DIR/state.env
export CEPH_CONF=$CONF

# ---------------------------------------------------------------------------------------------------
# helpers

now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# A bash /dev/tcp connect: no dependency on ss/netstat/curl, which minimal CI images may lack.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Random ports from a band below the kernel's ephemeral range (32768+) and above Ceph's own daemon
# band (6800-7300), so parallel runs on one machine rarely pick the same one.
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 10000))
    port_in_use "$p" || {
      echo "$p"
      return 0
    }
  done
  die "no free TCP port found in 20000-29999"
}

# Our daemons are the processes that were started with `-c $CONF` on their command line. Matching
# that exact argument (not a process name) means we never touch another test cluster's daemons,
# and it also finds daemons whose pid file was never written because `start` died halfway.
our_pids() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
    tr '\0' '\n' 2>/dev/null <"$f" | grep -qxF -- "$CONF" && echo "$pid"
  done
  return 0
}

# The gateway is ready when it answers HTTP; anything below 500 (anonymous ListBuckets gives 200)
# means the S3 front end is serving. Plain bash again, so no curl is needed.
gateway_answers() {
  local port=$1 line
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&3
  IFS= read -r -t 5 line <&3 || line=
  # Read the rest up to the server's close; hanging up early makes rgw log a "Broken pipe" error.
  IFS= read -r -t 5 -d '' _ <&3 || true
  exec 3<&-
  [[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] && ((BASH_REMATCH[1] < 500))
}

load_state() {
  [[ -f $STATE ]] || return 1
  # shellcheck disable=SC1090
  source "$STATE"
}

ensure_packages() {
  local missing=() p
  # The binaries we run (ceph and radosgw-admin come with radosgw, through ceph-common).
  for p in radosgw radosgw-admin ceph ceph-mon ceph-osd; do
    command -v "$p" >/dev/null || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    die "Ceph packages missing (${missing[*]}). Install them once as root:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  fi
  command -v apt-get >/dev/null || die "Ceph packages missing (${missing[*]}) and apt-get is not available"
  log "installing ${missing[*]} (first run on this machine only)"
  local t0
  t0=$(now)
  export DEBIAN_FRONTEND=noninteractive
  # A fresh CI image has no package lists, so the first install fails; refresh them and retry once.
  apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >"/tmp/ceph-rgw-apt.$$.log" 2>&1 ||
    { apt-get update -q >>"/tmp/ceph-rgw-apt.$$.log" 2>&1 &&
      apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"/tmp/ceph-rgw-apt.$$.log" 2>&1; } ||
    {
      tail -n 30 "/tmp/ceph-rgw-apt.$$.log" >&2
      die "apt-get install ${PACKAGES[*]} failed (full log: /tmp/ceph-rgw-apt.$$.log)"
    }
  rm -f "/tmp/ceph-rgw-apt.$$.log"
  log "installed in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------------------------------------------
# stop

# Those of the given pids that are still one of our daemons (a pid can be reused once it exits).
alive() {
  local pid
  for pid; do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF -- "$CONF" && echo "$pid"
  done
  return 0
}

# Wait up to $1 seconds for the remaining pids to exit.
wait_gone() {
  local deadline=$((SECONDS + $1))
  shift
  while [[ -n $(alive "$@") ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

cmd_stop() {
  local pids pid argv0 rgw=() others=()
  mapfile -t pids < <(our_pids)
  if ((${#pids[@]} == 0)); then
    rm -f "$DIR/pids"
    log "not running ($DIR)"
    return 0
  fi
  for pid in "${pids[@]}"; do
    argv0=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | head -n 1) || true
    if [[ ${argv0##*/} == radosgw ]]; then rgw+=("$pid"); else others+=("$pid"); fi
  done
  # The gateway first: its clean shutdown still talks to the cluster, and with the OSD already gone
  # it hangs until SIGKILL (seen here: 10 s instead of about 1 s).
  if ((${#rgw[@]})); then
    kill -TERM "${rgw[@]}" 2>/dev/null || true
    wait_gone 10 "${rgw[@]}" || kill -KILL "${rgw[@]}" 2>/dev/null || true
  fi
  # The OSD gets SIGKILL: on a clean shutdown memstore writes its whole in-memory store to the data
  # dir, which is slow and pointless for a throwaway. The monitor (and any ceph CLI left over from
  # a half-finished start) exits cleanly on SIGTERM.
  for pid in "${others[@]}"; do
    argv0=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | head -n 1) || true
    if [[ ${argv0##*/} == ceph-osd ]]; then kill -KILL "$pid"; else kill -TERM "$pid"; fi 2>/dev/null || true
  done
  # Return only once they are gone, so the ports and the memory are free for whatever comes next.
  if ! wait_gone 10 "${pids[@]}"; then
    log "still alive after 10 s, sending SIGKILL: $(alive "${pids[@]}" | tr '\n' ' ')"
    alive "${pids[@]}" | xargs -r kill -KILL 2>/dev/null || true
    wait_gone 5 "${pids[@]}" || die "could not stop: $(alive "${pids[@]}" | tr '\n' ' ')"
  fi
  rm -f "$DIR/pids"
  log "stopped (${pids[*]})"
}

# ---------------------------------------------------------------------------------------------------
# status / env

# 0 = running and answering, 1 = some daemons alive but not serving, 3 = nothing running.
probe() {
  local n
  n=$(our_pids | wc -l)
  ((n > 0)) || return 3
  load_state && ((n >= 3)) && gateway_answers "$RGW_PORT" || return 1
  # (no RGW_STS_PORT: a cluster started by an older copy of this script, which had no STS gateway)
  [[ -z ${RGW_STS_PORT:-} ]] || gateway_answers "$RGW_STS_PORT" || return 1
  return 0
}

cmd_status() {
  local rc=0
  probe || rc=$?
  case $rc in
    0) echo "running: http://127.0.0.1:$RGW_PORT${RGW_STS_PORT:+, STS http://127.0.0.1:$RGW_STS_PORT} (pids $(our_pids | paste -sd ' '), dir $DIR)" ;;
    1) echo "partly running: pids $(our_pids | paste -sd ' ') (dir $DIR); run: $0 stop --dir $DIR" ;;
    *) echo "not running ($DIR)" ;;
  esac
  return "$rc"
}

cmd_env() {
  probe || die "no running gateway in $DIR (start it with: $0 start --dir $DIR)"
  echo "export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$RGW_PORT"
  echo "export AWS_ACCESS_KEY_ID=$RGW_ACCESS_KEY"
  echo "export AWS_SECRET_ACCESS_KEY=$RGW_SECRET_KEY"
  echo "export AWS_REGION=$REGION"
  # Not AWS_ENDPOINT_URL_STS: that would send every STS call of every test (and of the AWS SDK the
  # differential test runs) to this gateway instead of the loopback STS.
  if [[ -n ${RGW_STS_PORT:-} ]]; then
    echo "export S3_TEST_STS_ENDPOINT=http://127.0.0.1:$RGW_STS_PORT"
    echo "export S3_TEST_STS_ROLE_ARN=$RGW_STS_ROLE_ARN"
  fi
}

# ---------------------------------------------------------------------------------------------------
# start

write_conf() {
  local fsid sts_key
  fsid=$(cat /proc/sys/kernel/random/uuid)
  # 16 hex digits of a fresh UUID: RGW wants exactly 16 characters (an AES-128 key).
  sts_key=$(tr -d '-' </proc/sys/kernel/random/uuid | head -c 16)
  cat >"$CONF" <<CONF
$MARKER (written by $0 start; wiped by the next start)
[global]
fsid = $fsid
# Our own monitor port (msgr2 only): the default 3300/6789 would collide with any other cluster,
# including a second copy of this script run from another checkout.
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
ms bind msgr1 = false
# Every daemon binds to loopback only.
public addr = 127.0.0.1
# A test cluster on loopback: no cephx between the daemons.
auth cluster required = none
auth service required = none
auth client required = none
# One OSD, so one copy of everything, and placement must not look for other hosts.
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
# Few placement groups: rgw creates ~7 pools, and peering fewer PGs makes the bring-up faster and
# the OSD smaller. Autoscaling needs ceph-mgr, which we do not run.
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
# The monitor shuts itself down when its disk is nearly full (default: 5% free); a busy CI /tmp
# must not take the S3 server down with it. Its data is a few MB.
mon data avail crit = 0
mon data avail warn = 0
# Every pool rgw creates, and every "osd pool application enable" after it, waits for the next map
# epoch, which the monitor proposes at most once a second by default: ~10 s of the bring-up. One
# monitor needs no batching.
paxos propose interval = 0.01
run dir = $DIR/run
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
mon data = $DIR/mon
osd data = $DIR/osd
osd objectstore = memstore
# The capacity memstore reports; it only takes RAM for data actually stored. 4 GiB because the
# streaming test (test/integration/s3-large.test.ts) writes 1 GiB twice, and the first one's data is
# still waiting for garbage collection (below) while the second is written. At 2 GiB the OSD filled
# up, and a full OSD wedges the gateway for good: even GC needs to write to reclaim space.
memstore device bytes = 4294967296
# Short per-PG op logs and duplicate-op records. They exist for recovery between replicas (we have
# none) and for spotting a resent client op; with memstore they, and the message buffers they pin,
# are RAM: with the defaults (3000 each per PG) the OSD grew by ~15 KB per write here and only
# levelled off above 500 MB.
osd min pg log entries = 50
osd max pg log entries = 100
osd pg log dups tracked = 500
osd pg log trim min = 10

[mon]
admin socket = $DIR/run/\$name.asok
[mon.a]
# Without its own address the monitor falls back to the default ports instead of the mon host one.
public addr = v2:127.0.0.1:$MON_PORT
[osd]
admin socket = $DIR/run/\$name.asok
# Placed by 'osd crush add' below; moving itself at boot would cost two more map epochs.
osd crush update on start = false
osd class update on start = false

[client]
# Without crc mode the clients (rgw, radosgw-admin, ceph) cannot talk to a monitor whose auth is
# 'none' over msgr2 (they insist on secure mode, which needs cephx).
ms mon client mode = crc

[client.rgw.a]
admin socket = $DIR/run/\$name.asok
# tcp_nodelay: without it every listing waits ~40 ms on delayed ACKs (48 ms vs 3 ms measured here).
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
# Pacific has no per-user/bucket rate limiter; its only throttle is this cap on requests in flight
# (default 1024). Lift it so parallel tests never see a 503 SlowDown from the fixture itself.
rgw max concurrent requests = 16384
# One zone, no multisite: no sync threads, no background resharding stalling a bucket mid-test.
rgw run sync thread = false
rgw dynamic resharding = false
# Deleted object data is reclaimed after 2 h by default; with memstore that is RAM held for the
# whole run. Collect it within half a minute instead. (The wait protects reads of an overwritten
# object still in flight; no test reads one object for 10 s while it is being replaced.)
rgw gc obj min wait = 10
rgw gc processor period = 20
rgw gc processor max time = 60
# Bucket versioning is always available in RGW (tests enable it per bucket); quotas are unlimited
# by default. Nothing to switch on here, stated so nobody goes looking.

[client.rgw.sts]
# A second gateway on the same cluster (same users, roles and buckets), with STS switched on, so
# tests get real temporary credentials (AssumeRole, GetSessionToken) whose session token RGW decrypts
# and checks on every S3 request. It is a gateway of its own because STS changes what RGW answers to
# requests that are no STS business: with the STS engine first (RGW's default order) a user's keys
# with a wrong secret get 403 AccessDenied instead of SignatureDoesNotMatch, an unknown key
# AccessDenied instead of InvalidAccessKeyId, and a user's own keys carrying a token RGW did not mint
# (what the loopback AWS services of the credentials tests hand out) 400 InvalidArgument; with the
# local users first, every refusal of temporary credentials becomes InvalidAccessKeyId. The first
# gateway stays exactly as it was; this one has RGW's default auth order, as deployments do.
admin socket = $DIR/run/\$name.asok
rgw frontends = beast endpoint=127.0.0.1:$STS_PORT tcp_nodelay=1
rgw max concurrent requests = 16384
rgw run sync thread = false
rgw dynamic resharding = false
rgw gc obj min wait = 10
# The first gateway collects garbage, expires lifecycle rules and keeps the quota stats for both.
rgw enable gc threads = false
rgw enable lc threads = false
rgw enable quota threads = false
rgw s3 auth use sts = true
# Encrypts the session tokens: exactly 16 characters (AES-128), fresh for every cluster.
rgw sts key = $sts_key
# AssumeRole refuses DurationSeconds below this (default 900, like AWS); 1 lets the tests see real
# credentials expire, and be refreshed, within seconds. Pacific's GetSessionToken keeps a fixed 900.
rgw sts min session duration = 1
CONF
}

# Run a setup command with its output in the setup log, bounded in time (a ceph CLI call blocks
# forever when the monitor is unreachable).
run() {
  echo "+ [$(elapsed "$T0") s] $*" >>"$DIR/log/setup.log"
  timeout 60 "$@" >>"$DIR/log/setup.log" 2>&1
}

# Wait until gateway client.rgw.$1 answers on port $2 (fails after START_TIMEOUT_S or if it exits).
wait_for_gateway() {
  local name=$1 port=$2 deadline=$((SECONDS + START_TIMEOUT_S))
  echo "+ [$(elapsed "$T0") s] waiting for gateway $name" >>"$DIR/log/setup.log"
  until gateway_answers "$port"; do
    if ((SECONDS >= deadline)); then
      log "gateway $name did not answer on 127.0.0.1:$port within ${START_TIMEOUT_S} s"
      false
    fi
    if [[ -f $DIR/run/client.rgw.$name.pid ]] && ! kill -0 "$(cat "$DIR/run/client.rgw.$name.pid")" 2>/dev/null; then
      log "radosgw $name exited during start-up"
      false
    fi
    sleep 0.2
  done
}

# ERR (rc of the failed command) or a signal (rc given): show why, then stop what did start.
start_failed() {
  local rc=${1:-$?}
  trap - ERR
  trap '' INT TERM # a second Ctrl-C (or our parent's SIGTERM) must not cut the clean-up short
  log "bring-up failed after $(elapsed "$T0") s; logs in $DIR/log"
  local f
  for f in "$DIR/log/setup.log" "$DIR/log/client.rgw.a.log" "$DIR/log/client.rgw.sts.log" "$DIR/log/osd.0.log" "$DIR/log/mon.a.log"; do
    [[ -s $f ]] || continue
    printf '\n--- tail of %s ---\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
  cmd_stop || true
  exit "$((rc == 0 ? 1 : rc))"
}

cmd_start() {
  T0=$(now)
  ensure_packages

  # A second start on the same DIR: keep a healthy server that matches the request, else restart.
  if [[ -n $(our_pids) ]]; then
    if probe && [[ (-z $PORT || $PORT == "$RGW_PORT") && $RGW_ACCESS_KEY == "$ACCESS_KEY" &&
      $RGW_SECRET_KEY == "$SECRET_KEY" ]]; then
      log "already running at http://127.0.0.1:$RGW_PORT, reusing it ($DIR)"
      # Kept rather than restarted: others may be using it. `env` then names no STS, and the STS
      # tests say they were skipped.
      [[ -n ${RGW_STS_PORT:-} ]] ||
        log "it has no STS (started by an older copy of this script); stop and start it again for the STS tests"
      return 0
    fi
    log "a cluster from $DIR is running but does not match the request or is unhealthy; restarting"
    cmd_stop
  fi

  if [[ -n $PORT ]]; then
    ! port_in_use "$PORT" || die "port $PORT is already in use on 127.0.0.1 (omit --port to pick a free one)"
    RGW_PORT=$PORT
  elif ! port_in_use 7480; then
    RGW_PORT=7480
  else
    RGW_PORT=$(free_port)
  fi
  MON_PORT=$(free_port)
  [[ $MON_PORT != "$RGW_PORT" ]] || MON_PORT=$(free_port)
  STS_PORT=$(free_port)
  while [[ $STS_PORT == "$RGW_PORT" || $STS_PORT == "$MON_PORT" ]]; do STS_PORT=$(free_port); done

  # Only ever wipe a directory that is empty or one of ours.
  mkdir -p "$DIR"
  if [[ -n $(ls -A "$DIR") ]] && ! head -n 1 "$CONF" 2>/dev/null | grep -qF "$MARKER"; then
    die "$DIR is not empty and was not created by this script; choose another --dir"
  fi
  find "$DIR" -mindepth 1 -delete
  mkdir -p "$DIR"/{mon,osd,run,log}
  write_conf
  trap start_failed ERR
  trap 'start_failed 130' INT
  trap 'start_failed 143' TERM

  log "starting in $DIR (monitor 127.0.0.1:$MON_PORT, gateway 127.0.0.1:$RGW_PORT, STS gateway 127.0.0.1:$STS_PORT)"
  run ceph-mon -c "$CONF" --id a --mkfs --keyring /dev/null
  run ceph-mon -c "$CONF" --id a
  # The monitor has to have the OSD in its map before the OSD can boot into it.
  local osd
  echo "+ [$(elapsed "$T0") s] ceph osd create" >>"$DIR/log/setup.log"
  osd=$(timeout 60 ceph -c "$CONF" --connect-timeout 30 osd create 2>>"$DIR/log/setup.log") || true
  [[ $osd =~ ^[0-9]+$ ]] || {
    log "'ceph osd create' answered '$osd'"
    false
  }
  run ceph -c "$CONF" --connect-timeout 30 osd crush add "osd.$osd" 1 root=default host=localhost
  run ceph-osd -c "$CONF" --id "$osd" --mkfs --no-mon-config
  run ceph-osd -c "$CONF" --id "$osd"
  # auth is 'none', so an empty keyring is enough for the gateway.
  run radosgw -c "$CONF" -n client.rgw.a --keyring /dev/null

  # The gateway creates its pools and only then opens the port, so the first answer means ready.
  wait_for_gateway a "$RGW_PORT"

  # Then, side by side: the STS role (its trust policy names the user by ARN, so the user need not
  # exist yet), the user, and the STS gateway (only now: two gateways making the pools and the zone
  # at once can race). A failure in the background is reported by its wait, once.
  local role_pid user_pid
  (
    trap - ERR INT TERM
    run radosgw-admin -c "$CONF" role create --role-name "$STS_ROLE" --assume-role-policy-doc \
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/'"$USER_ID"'"]},"Action":["sts:AssumeRole"]}]}' &&
      run radosgw-admin -c "$CONF" role-policy put --role-name "$STS_ROLE" --policy-name s3 --policy-doc \
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"*"}]}'
  ) &
  role_pid=$!
  (
    trap - ERR INT TERM
    # user-policy=*: the STS test allows itself GetSessionToken with IAM PutUserPolicy (Pacific's
    # radosgw-admin cannot attach a user policy, and RGW refuses GetSessionToken without one).
    run radosgw-admin -c "$CONF" user create --uid "$USER_ID" --display-name "s3func tests" \
      --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" --caps "user-policy=*"
  ) &
  user_pid=$!
  run radosgw -c "$CONF" -n client.rgw.sts --keyring /dev/null
  wait "$user_pid" || {
    log "could not create the test user $USER_ID (see $DIR/log/setup.log)"
    false
  }
  wait "$role_pid" || {
    log "could not create the STS role $STS_ROLE (see $DIR/log/setup.log)"
    false
  }
  wait_for_gateway sts "$STS_PORT"

  echo "+ [$(elapsed "$T0") s] up" >>"$DIR/log/setup.log"
  cat "$DIR"/run/*.pid >"$DIR/pids"
  printf 'RGW_PORT=%q\nRGW_ACCESS_KEY=%q\nRGW_SECRET_KEY=%q\nRGW_STS_PORT=%q\nRGW_STS_ROLE_ARN=%q\n' \
    "$RGW_PORT" "$ACCESS_KEY" "$SECRET_KEY" "$STS_PORT" "$STS_ROLE_ARN" >"$STATE"
  trap - ERR INT TERM
  log "up in $(elapsed "$T0") s: http://127.0.0.1:$RGW_PORT, STS http://127.0.0.1:$STS_PORT (pids $(paste -sd ' ' "$DIR/pids"))"
}

"cmd_$CMD"
