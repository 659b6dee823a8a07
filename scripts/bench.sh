#!/usr/bin/env bash
# Benchmarks SecureChat against InspIRCd 3 and ngIRCd on this machine, over mutual TLS 1.3
# on 127.0.0.1, and prints a table of the figures side by side.
#
#   scripts/bench.sh            # default sizes, about 10 minutes
#   scripts/bench.sh --quick    # small sizes, about 3 minutes
#   scripts/bench.sh --servers "securechat inspircd"   # a subset
#   scripts/bench.sh --scenarios "history chathistory" --servers securechat   # the history log
#   scripts/bench.sh --scenarios "storm"               # a subset (default: all seven)
#   scripts/bench.sh --repeat 5  # fanout, privmsg, storm, history 5 times each (default 3; --quick: 1)
#   scripts/bench.sh --io-threads 1 --scenarios "fanout privmsg"   # SecureChat on one I/O loop
#   scripts/bench.sh --handshake-threads 0 --scenarios storm   # handshakes back on the I/O loops
#   scripts/bench.sh --filter filter.toml --scenarios privmsg --servers securechat   # filter cost
#   scripts/bench.sh --no-pin    # the generator may run on every core
#
# Steps: builds securechat-bench and securechat-server (release); writes a CA, a server
# certificate (ECDSA P-256, SAN localhost/127.0.0.1) and one client certificate per user
# into a temporary folder; installs inspircd and ngircd from Debian's packages when they
# are missing (apt-get, as root); then, for each server and each scenario, starts the
# server fresh, runs `securechat-bench SCENARIO --server-pid PID`, and stops it. The JSON
# lines go to results/bench-DATE.jsonl; the table goes to standard output. A peer that
# cannot be installed or started is reported and skipped.
#
# Scenarios (see `securechat-bench help SCENARIO`): handshake (full mutual-TLS handshakes
# per second, each confirmed by PING/PONG), hold (N registered connections, 100 per
# channel: RSS per connection), fanout (M members, S senders, K messages each: lossless
# deliveries per second and latency), privmsg (P pairs exchanging K messages each), storm
# (50 members chat in one channel at 500 messages/s in all; after 5 quiet seconds 3,000
# more users handshake and register, 256 at a time: chat latency quiet and during the
# storm, time to admit them all, lost/duplicated/reordered chat), history (SecureChat
# only: 50 senders with echo-message, each to a channel of its own, 2,000 messages each,
# once at 20,000 messages/s in all for the echo latency, once as fast as 64 unanswered
# messages per sender allow ("history-max") for the messages stored per second; then the
# server's database is read to count what it holds), chathistory (SecureChat only: its
# database seeded with 1,000,000 messages over 10 channels before it starts, then 200
# CHATHISTORY LATEST #seed-0 * 100 one after the other: latency per answer).
#
# fanout also runs against SecureChat with `[history] enabled = false`, alternating with
# the runs with history on (the default), so that what the history log costs is a ratio
# measured in the same run: the table's column "securechat history-off".
#
# storm also runs as "floor" for SecureChat, alternating with the real runs: the storm's
# users connect to a second SecureChat server while the chat stays on the one measured, so
# the machine does all the storm's work (the server's handshakes and the generator's) and
# the chat's latency is what this machine allows under it; the column "securechat floor".
# The generator's storm threads run at nice 19 (`securechat-bench storm --storm-nice`):
# the users of a real storm connect from other machines.
#
# --io-threads N writes `[limits] io_threads = N` into SecureChat's configuration (default:
# none, so one I/O loop per core; its hub always has a loop of its own) and records it in
# the JSON, where the table shows it as a column of its own ("securechat io1").
# --handshake-threads N writes `[limits] handshake_threads = N` (default: none, so one per
# core; 0 runs handshake steps on the I/O loops, as before the thread pool), to compare the
# storm scenario with and without the pool in two runs.
# --filter FILE gives SecureChat `[moderation] filter = FILE` (a rules file), and runs each
# of SecureChat's fanout and privmsg runs a second time without it, alternating, so that
# what the filter costs is a ratio measured in the same run: the column "securechat filter"
# against "securechat".
#
# CPU pinning: the server under test gets as many cores as it has I/O threads (SecureChat:
# --io-threads, else one per core; InspIRCd and ngIRCd: 1, both run their clients on one
# thread), and the generator is pinned with `taskset -c` to the remaining ones, with one
# event-loop thread per core it gets. On a 2-core machine: InspIRCd, ngIRCd and SecureChat
# with --io-threads 1 get CPU 0 to themselves and the generator runs on CPU 1 (SecureChat's
# hub thread runs wherever the scheduler puts it); SecureChat with two I/O loops leaves no
# core over, so there the generator is not pinned and gets one thread (cores - 1). Where
# taskset is missing, or with --no-pin, nothing is pinned. The servers are never pinned.
# Each JSON line records the generator's CPUs (generator_cpus) and the 1-minute load
# average when it started (load_average_1m); the table notes both.
#
# Settings changed from each server's defaults so that one loopback address sending as
# fast as lossless delivery allows is not throttled (each is commented again in the
# generated configuration, see scripts/bench/peers.sh):
#   SecureChat: default_channel "" (no automatic #lobby; the peers auto-join nothing);
#     flood_burst and flood_rate 1e6; sendq 16 MiB; max_connections and
#     max_connections_per_address 30000; registration_timeout 120 s.
#   InspIRCd 3 (ssl_gnutls: Debian ships no ssl_openssl): TLS 1.3 only (GnuTLS priority
#     NORMAL:-VERS-ALL:+VERS-TLS1.3); <connect> maxchans 1000, timeout 120, pingfreq 10m,
#     hardsendq 64M, softsendq 16M, recvq 16M, threshold 1e8, commandrate 1e8, fakelag no,
#     localmax/globalmax 100000, resolvehostnames no, limit 100000; <performance>
#     somaxconn 4096, softlimit 100000, clonesonconnect no; <channels users/opers 100000>.
#     InspIRCd completes registrations on its once-a-second timer, so each user takes up
#     to a second to register, whatever the load; `hold` opens 256 at a time for that.
#   ngIRCd 26 (GnuTLS build): TLS 1.3 only (CipherList NORMAL:-VERS-ALL:+VERS-TLS1.3);
#     MaxConnections, MaxConnectionsIP and MaxJoins 0 (unlimited); DNS, Ident, PAM off;
#     PingTimeout/PongTimeout 600 s; an [Operator] block: the generator opers up and sets
#     user mode +F, the only way to lift ngIRCd's flood penalty. ngIRCd still reads at most
#     3 commands per client per pass of its loop and takes up the rest on its one-second
#     timer, so a sender more than 3 messages ahead stalls: its fanout and privmsg runs
#     use --window 3 (the others 32), which the JSON records.
#
# fanout, privmsg, storm and history take seconds and one run of them moves by about 20 %: each runs
# --repeat times (default 3, with --quick 1; a fresh server each time) and the table
# shows each figure's median, and the worst run for lost, duplicated, reordered and
# failed admissions. handshake, hold and chathistory run once.
#
# Figures are printed, never judged. Each JSON line says whether the generator itself
# used more than 90 % of a core (generator_saturated): the machine is shared by the
# generator and the server, so read the figures as relative ones.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
repeat=
io_threads=
handshake_threads=
filter=
pin=1
servers="securechat inspircd ngircd"
all_scenarios="handshake hold fanout privmsg storm history chathistory"
scenarios=$all_scenarios
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --servers) servers=${2:-}; shift ;;
        --scenarios)
            scenarios=${2:-}; shift
            for scenario in $scenarios; do
                case " $all_scenarios " in
                    *" $scenario "*) ;;
                    *) echo "bench.sh: unknown scenario '$scenario' (one of: $all_scenarios)" >&2; exit 2 ;;
                esac
            done
            [ -n "${scenarios// /}" ] || { echo "bench.sh: --scenarios needs at least one of: $all_scenarios" >&2; exit 2; }
            ;;
        --repeat)
            repeat=${2:-}; shift
            case $repeat in ''|*[!0-9]*|0) echo "bench.sh: --repeat needs a count of 1 or more, got '$repeat'" >&2; exit 2 ;; esac
            ;;
        --io-threads)
            io_threads=${2:-}; shift
            case $io_threads in ''|*[!0-9]*|0) echo "bench.sh: --io-threads needs a count of 1 or more, got '$io_threads'" >&2; exit 2 ;; esac
            ;;
        --handshake-threads)
            handshake_threads=${2:-}; shift
            case $handshake_threads in ''|*[!0-9]*) echo "bench.sh: --handshake-threads needs a count of 0 or more, got '$handshake_threads'" >&2; exit 2 ;; esac
            ;;
        --filter)
            filter=${2:-}; shift
            [ -f "$filter" ] || { echo "bench.sh: --filter needs a rules file, got '$filter'" >&2; exit 2; }
            filter=$(cd "$(dirname "$filter")" && pwd)/$(basename "$filter")
            ;;
        --no-pin) pin=0 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

# sized QUICK FULL: the figure for a --quick run (which keeps to its two minutes), else the
# full run's.
sized() { if [ $quick = 1 ]; then echo "$1"; else echo "$2"; fi; }
repeat=${repeat:-$(sized 1 3)}
hs_c=16; hs_t=$(sized 3 10)
hold_n=$(sized 1000 10000)
fan_m=$(sized 50 100); fan_s=$(sized 5 10); fan_k=1000
pm_p=$(sized 25 100); pm_k=1000
storm_m=50; storm_n=$(sized 500 3000); storm_quiet=$(sized 3 5); storm_after=$(sized 2 3)
hist_s=50; hist_k=$(sized 400 2000)
seed_n=$(sized 100000 1000000); chq_q=$(sized 100 200)
timeout=$(sized 30 60)
storm_rate=500
hist_rate=20000
# The generator gets one event-loop thread fewer than there are cores: every server under
# test runs its clients on one event loop, and on a small machine a generator thread per
# core competes with it for that core and inflates its CPU figures.
cores=$(nproc 2>/dev/null || echo 2)
threads=$(( cores > 1 ? cores - 1 : 1 ))
# One certificate per nick the chosen scenarios use at most.
users=2
for scenario in $scenarios; do
    case $scenario in
        hold) need=$hold_n ;;
        fanout) need=$fan_m ;;
        privmsg) need=$(( 2 * pm_p )) ;;
        storm) need=$(( storm_m + storm_n )) ;;
        history) need=$hist_s ;;
        *) need=1 ;;
    esac
    users=$(( users > need ? users : need ))
done
if [ $pin = 1 ] && ! command -v taskset > /dev/null; then
    echo "bench.sh: taskset is not installed (util-linux); the generator runs unpinned" >&2
    pin=0
fi

# The generator's command prefix and event-loop threads for a server with $1 I/O threads:
# the cores the server does not need, when there are some (see the header).
generator_placement() {
    local server_threads=$1
    if [ $pin = 1 ] && [ "$server_threads" -lt "$cores" ]; then
        local last=$(( cores - 1 ))
        local cpus=$server_threads
        [ "$server_threads" -lt "$last" ] && cpus="$server_threads-$last"
        generator_prefix=(taskset -c "$cpus")
        generator_threads=$(( cores - server_threads ))
    else
        generator_prefix=()
        generator_threads=$threads
    fi
}

. "$root/scripts/lib/ensure-openssl.sh"
. "$root/scripts/bench/peers.sh"

echo "== building (release)" >&2
# One product per call: swift build keeps only the last --product it is given.
for product in securechat-bench securechat-server; do
    (cd "$root" && swift build -c release --product "$product" 2>&1 | grep -E 'error|warning' >&2 || true)
done
bin=$(cd "$root" && swift build -c release --show-bin-path)
bench=$bin/securechat-bench
[ -x "$bench" ] && [ -x "$bin/securechat-server" ] || { echo "bench.sh: the build failed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/securechat-bench.XXXXXX")
server_pid=""
decoy_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    if [ -n "$decoy_pid" ]; then kill "$decoy_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$root/results"
out=$root/results/bench-$(date -u +%Y%m%dT%H%M%SZ).jsonl
: > "$out"

# Connections are many on both sides: every process started from here gets the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== RLIMIT_NOFILE $(ulimit -n)" >&2

echo "== certificates for $users users" >&2
"$bench" certs --dir "$work/pki" --users "$users" | tee -a "$out" >&2
openssl dhparam -dsaparam -out "$work/pki/dh.pem" 2048 2>/dev/null

# Peers: install when missing; a peer that still is not there is skipped.
available=""
for server in $servers; do
    case $server in
        securechat) available="$available securechat" ;;
        inspircd|ngircd)
            if ! command -v "$server" > /dev/null; then
                echo "== installing $server (apt-get)" >&2
                if [ "$(id -u)" = 0 ]; then
                    DEBIAN_FRONTEND=noninteractive apt-get install -y "$server" > "$work/apt-$server.log" 2>&1 \
                        || { apt-get update > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y "$server" \
                            > "$work/apt-$server.log" 2>&1; } || true
                fi
            fi
            if command -v "$server" > /dev/null; then
                # Debian starts the daemon on install; the benchmark starts its own.
                available="$available $server"
            else
                echo "bench.sh: $server is not installed and could not be (needs root and apt-get); skipping it" >&2
            fi
            ;;
        *) echo "bench.sh: unknown server $server; skipping it" >&2 ;;
    esac
done

# Waits (at most 10 s) until something accepts TCP connections on the port.
wait_listening() {
    local port=$1 pid=$2
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

start_server() {
    local server=$1 dir=$2 port=$3
    case $server in
        securechat) start_securechat "$dir" "$port" "$work/pki" "$bin/securechat-server" "$io_threads" "$history" "$handshake_threads" "$run_filter" ;;
        inspircd) start_inspircd "$dir" "$port" "$work/pki" ;;
        ngircd) start_ngircd "$dir" "$port" "$work/pki" "$(free_port)" ;;
    esac
}

stop_server() {
    if [ -n "$decoy_pid" ]; then kill "$decoy_pid" 2>/dev/null || true; decoy_pid=""; fi
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" >&2
run=0
for server in $available; do
    extra=()
    window=32
    server_io=()
    if [ "$server" = ngircd ]; then
        extra=(--after-register "OPER bench bench" --after-register "MODE {nick} +F")
        window=3
    fi
    if [ "$server" = securechat ]; then
        generator_placement "${io_threads:-$cores}"
        [ -n "$io_threads" ] && server_io=(--server-io-threads "$io_threads")
    else
        generator_placement 1
    fi
    # Runs are SCENARIO or SCENARIO:VARIANT; a variant of SecureChat's fanout runs it with
    # history off, and history's "max" variant sends as fast as the store answers.
    runs=()
    for scenario in $scenarios; do
        case $server:$scenario in
            securechat:history|securechat:chathistory) ;;
            *:history|*:chathistory) continue ;;  # the peers keep no history log
        esac
        count=1
        case $scenario in fanout|privmsg|storm|history) count=$repeat ;; esac
        for _ in $(seq "$count"); do
            case $server:$scenario in
                securechat:fanout) runs+=(fanout fanout:history-off) ;;
                securechat:storm) runs+=(storm storm:floor) ;;
                *:history) runs+=(history history:max) ;;
                *) runs+=("$scenario") ;;
            esac
            if [ -n "$filter" ] && [ "$server" = securechat ]; then
                case $scenario in fanout|privmsg) runs+=("$scenario:filter-off") ;; esac
            fi
        done
    done
    for entry in "${runs[@]}"; do
        run=$((run + 1))
        scenario=${entry%%:*}
        variant=${entry#"$scenario"}
        variant=${variant#:}
        history=on
        [ "$variant" = history-off ] && history=off
        run_filter=$filter
        [ "$variant" = filter-off ] && run_filter=
        dir=$work/$server-$scenario-$run
        if [ "$scenario" = chathistory ]; then
            # Seeded before the server opens the file; its line goes to the results too.
            echo "== seeding $seed_n messages into $dir/data" >&2
            mkdir -p "$dir"
            if ! "$bench" seed-history --data-dir "$dir/data" -n "$seed_n" --channels 10 | tee -a "$out" >&2; then
                echo "bench.sh: seeding the history database failed" >&2
                continue
            fi
        fi
        port=$(free_port)
        server_pid=$(start_server "$server" "$dir" "$port")
        if ! wait_listening "$port" "$server_pid"; then
            echo "bench.sh: $server did not start; its log:" >&2
            tail -n 20 "$dir/server.log" >&2 || true
            stop_server
            continue
        fi
        storm_port=()
        if [ "$variant" = floor ]; then
            # The storm goes to a second SecureChat: the machine does all the storm's work,
            # the server under test carries only the chat.
            decoy_port=$(free_port)
            decoy_pid=$(start_server securechat "$dir-decoy" "$decoy_port")
            if ! wait_listening "$decoy_port" "$decoy_pid"; then
                echo "bench.sh: the second server for the storm's floor did not start" >&2
                stop_server
                continue
            fi
            storm_port=(--storm-port "$decoy_port")
        fi
        server_history=()
        [ "$server" = securechat ] && server_history=(--server-history "$history")
        [ "$server" = securechat ] && [ -n "$filter" ] && server_history+=(--server-filter "$([ -n "$run_filter" ] && echo on || echo off)")
        common=(--port "$port" --ca "$work/pki/ca.pem" --cert "$work/pki/clients" --key "$work/pki/client.key"
            --server-pid "$server_pid" --label "$server" --timeout "$timeout" --threads "$generator_threads"
            "${server_io[@]}" "${server_history[@]}")
        case $scenario in
            handshake) args=(handshake -c "$hs_c" -t "$hs_t") ;;
            # hold needs no operator status (it sends nothing after joining).
            hold) args=(hold -n "$hold_n" --hold-seconds 3) ;;
            fanout) args=(fanout -m "$fan_m" -s "$fan_s" -k "$fan_k" --window "$window" "${extra[@]}") ;;
            privmsg) args=(privmsg -p "$pm_p" -k "$pm_k" --window "$window" "${extra[@]}") ;;
            # The chat keeps its own window (a schedule, not a flood); ngIRCd's members
            # still need +F to send 10 messages a second each.
            storm) args=(storm -m "$storm_m" -n "$storm_n" --rate "$storm_rate" --quiet-seconds "$storm_quiet"
                --after-seconds "$storm_after" "${storm_port[@]}" "${extra[@]}") ;;
            # At the rate, a schedule (the window only bounds a stall); at max, the window
            # is what keeps each sender going.
            history)
                args=(history -s "$hist_s" -k "$hist_k" --database "$dir/data/history.sqlite")
                if [ "$variant" = max ]; then args+=(--window 64); else args+=(--rate "$hist_rate" --window 1000); fi
                ;;
            chathistory) args=(chathistory -q "$chq_q" --channel "#seed-0") ;;
        esac
        echo "== $server $scenario: ${generator_prefix[*]} securechat-bench ${args[*]} ${common[*]}" >&2
        if ! "${generator_prefix[@]}" "$bench" "${args[@]}" "${common[@]}" 2> "$dir/bench.log" | tee -a "$out" >&2; then
            echo "bench.sh: $server $scenario failed; see below" >&2
            tail -n 5 "$dir/bench.log" >&2 || true
        fi
        stop_server
    done
done

echo "== raw results: $out" >&2
python3 "$root/scripts/bench/table.py" "$out"
