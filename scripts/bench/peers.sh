# Sourced by scripts/bench.sh: writes the configuration of each server under test into a
# folder of its own and starts it in the foreground (no fork), so that $! is its PID.
#
# Every server listens on 127.0.0.1 only, with TLS 1.3 only, the bench CA and an ECDSA
# P-256 server key, and every limit that would throttle a load generator on one address
# raised out of the way. Each changed setting is commented where it is written.
#
# Functions take: DIR (the server's folder, created), PORT, PKI (the folder written by
# `securechat-bench certs`), and print the PID of the started server. start_securechat
# also takes the server binary, optionally its I/O threads (`[limits] io_threads`;
# empty: the server's default, one per core) and "off" to run it without its history log
# (`[history] enabled = false`; default: on, as shipped) and optionally its handshake
# threads (`[limits] handshake_threads`; empty: the default) and a filter rules file
# (`[moderation] filter`; empty: none). Each server runs in
# its own folder, so that anything it leaves behind (InspIRCd 3.15 may dump core when
# stopped with SIGTERM) goes away with the temporary folder.

# A TCP port nothing listens on now, for a server's second listener.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# SecureChat: flags for certificates, a TOML file for the limits.
start_securechat() {
    local dir=$1 port=$2 pki=$3 bin=$4 io_threads=${5:-} history=${6:-on} handshake_threads=${7:-} filter=${8:-}
    mkdir -p "$dir"
    cat > "$dir/securechat.toml" <<TOML
# No automatic #lobby: the peers join no channel on registration either, and with
# thousands of users one shared channel would turn every JOIN into a broadcast to all.
default_channel = ""

[limits]
# Flood control off in practice: the generator sends as fast as delivery allows.
flood_burst = 1000000
flood_rate = 1000000
# 16 MiB send queue: a receiver a full window behind must never be dropped.
sendq = 16777216
# Every connection comes from 127.0.0.1; allow the hold scenario's 10,000 and more.
max_connections = 30000
max_connections_per_address = 30000
exempt_loopback = true
# Long enough that nothing times out while thousands register.
registration_timeout = 120
TOML
    if [ -n "$io_threads" ]; then
        cat >> "$dir/securechat.toml" <<TOML
# Event loops carrying the connections (default: one per core); the hub has its own.
io_threads = $io_threads
TOML
    fi
    if [ -n "$handshake_threads" ]; then
        cat >> "$dir/securechat.toml" <<TOML
# Threads for server-side TLS handshake steps (default: one per core; 0: on the I/O loops).
handshake_threads = $handshake_threads
TOML
    fi
    if [ -n "$filter" ]; then
        cat >> "$dir/securechat.toml" <<TOML

[moderation]
filter = "$filter"
TOML
    fi
    if [ "$history" = off ]; then
        cat >> "$dir/securechat.toml" <<TOML

[history]
# The baseline for what the history log costs: nothing is stored, echoes wait for nothing.
enabled = false
TOML
    fi
    # Metrics stay on, as shipped, but on a port of their own: the default 9697 may be taken
    # by a server already running on this machine.
    cat >> "$dir/securechat.toml" <<TOML

[metrics]
listen = "127.0.0.1:$(free_port)"
TOML
    (cd "$dir" && exec "$bin" --config "$dir/securechat.toml" --host 127.0.0.1 --port "$port" \
        --cert "$pki/server.pem" --key "$pki/server.key" --client-ca "$pki/ca.pem" \
        --allowlist "$pki/allowlist" --server-name bench.securechat --log-level error \
        > "$dir/server.log" 2>&1) &
    echo $!
}

# InspIRCd 3 with ssl_gnutls (the TLS module Debian ships; it has no ssl_openssl).
start_inspircd() {
    local dir=$1 port=$2 pki=$3
    mkdir -p "$dir"
    cp "$pki/server.pem" "$pki/server.key" "$pki/ca.pem" "$pki/dh.pem" "$dir/"
    chmod 600 "$dir/server.key"
    cat > "$dir/inspircd.conf" <<XML
<config format="xml">
<server name="bench.inspircd" description="bench" network="Bench">
<admin name="bench" nick="bench" email="bench@localhost">
<pid file="$dir/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$dir/inspircd.log">

<module name="ssl_gnutls">
# TLS 1.3 only; the client certificate is requested (it is not required to chain to
# anything, InspIRCd only records its fingerprint).
<sslprofile name="bench" provider="gnutls" certfile="$dir/server.pem" keyfile="$dir/server.key"
    cafile="$dir/ca.pem" dhfile="$dir/dh.pem" hash="sha256" requestclientcert="yes"
    priority="NORMAL:-VERS-ALL:+VERS-TLS1.3">
<bind address="127.0.0.1" port="$port" type="clients" sslprofile="bench">

<connect name="main" allow="*"
    maxchans="1000"
    timeout="120"
    pingfreq="10m"
    hardsendq="64M"
    softsendq="16M"
    recvq="16M"
    threshold="100000000"
    commandrate="100000000"
    fakelag="no"
    localmax="100000"
    globalmax="100000"
    maxconnwarn="no"
    resolvehostnames="no"
    useident="no"
    limit="100000">
# Changed from the defaults: maxchans 20 -> 1000; timeout 20 -> 120 s (registration
# under load); pingfreq 2m -> 10m; hardsendq 1M -> 64M, softsendq 10K -> 16M and
# recvq 10K -> 16M (no sendq/recvq drops or command delays under load); threshold
# 10 -> 1e8, commandrate 1000 -> 1e8 and fakelag yes -> no (no flood penalty);
# localmax/globalmax 3 -> 100000 (every client is 127.0.0.1); resolvehostnames no
# (no DNS lookups); limit 100000 users in the class.

# somaxconn 128 -> 4096 (bursts of connects); softlimit 12800 -> 100000 (the hold
# scenario's 10,000 connections and more; the real bound is RLIMIT_NOFILE); no
# clone check on connect.
<performance netbuffersize="10240" somaxconn="4096" softlimit="100000" clonesonconnect="no"
    timeskipwarn="0" quietbursts="yes">
<security hidesplits="no" announceinvites="dynamic" hideserver="" userstats="Pu" customversion=""
    runasuser="" runasgroup="">
<options prefixquit="Quit: " suffixquit="" syntaxhints="no" cyclehostsfromuser="no"
    allowzerolimit="no" defaultbind="auto" exemptchanops="" invitebypassmodes="yes" nosnoticestack="no">
<limits maxline="512" maxnick="30" maxchan="64" maxmodes="20" maxident="10" maxhost="64"
    maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxgecos="128" maxaway="200" maxkey="32">
# 100,000 channels per user for opers and users (the default is 20).
<channels users="100000" opers="100000">
<dns timeout="1">
<files motd="$dir/motd.txt">
<whowas groupsize="0" maxgroups="0" maxkeep="0">
XML
    echo "bench" > "$dir/motd.txt"
    (cd "$dir" && exec inspircd --runasroot --nofork --nopid --config="$dir/inspircd.conf" > "$dir/server.log" 2>&1) &
    echo $!
}

# ngIRCd 26 (Debian builds it with GnuTLS: `ngircd -V` shows +SSL, ldd shows libgnutls).
start_ngircd() {
    local dir=$1 port=$2 pki=$3 plainport=$4
    mkdir -p "$dir"
    cp "$pki/server.pem" "$pki/server.key" "$pki/ca.pem" "$pki/dh.pem" "$dir/"
    chmod 600 "$dir/server.key"
    echo "bench" > "$dir/motd.txt"
    cat > "$dir/ngircd.conf" <<CONF
[Global]
Name = bench.ngircd
Info = bench
Listen = 127.0.0.1
# ngIRCd always opens a plain-text port; an unused one on loopback.
Ports = $plainport
MotdFile = $dir/motd.txt

[Limits]
# 0 = unlimited (defaults: MaxConnections 0, MaxConnectionsIP 5, MaxJoins 10):
# every client comes from 127.0.0.1.
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 30
# Pings every 10 minutes (default 120 s), so none falls into a measurement.
PingTimeout = 600
PongTimeout = 600

[Options]
# No DNS or IDENT lookups for connecting clients (defaults: yes).
DNS = no
Ident = no
PAM = no
# No PING cookie before registration (default no, stated for clarity).
RequireAuthPing = no
NoticeBeforeRegistration = no

[SSL]
CertFile = $dir/server.pem
KeyFile = $dir/server.key
DHFile = $dir/dh.pem
# GnuTLS priority string: TLS 1.3 only.
CipherList = NORMAL:-VERS-ALL:+VERS-TLS1.3
Ports = $port

# ngIRCd throttles a client past 3 commands per read loop, except one with user mode
# +F ("relaxed flood protection"), which only an operator may set. The generator opers
# up with these credentials and sets +F (securechat-bench --after-register).
[Operator]
Name = bench
Password = bench
CONF
    (cd "$dir" && exec ngircd --nodaemon --config "$dir/ngircd.conf" > "$dir/server.log" 2>&1) &
    echo $!
}
