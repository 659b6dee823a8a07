#!/usr/bin/env bash
# gen-certs.sh — the certificates SecureChat needs, made with the openssl command line only.
#
# A small private CA signs one certificate per server and per client (mutual TLS). The CA
# keeps an `openssl ca` database so every certificate can be revoked and published in a CRL.
# Run with --help for the manual; certs/README.md says where each file goes.
set -euo pipefail
export LC_ALL=C
umask 022

PROG=${0##*/}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEFAULT_DIR="$(cd "$SCRIPT_DIR/.." && pwd)/certs"

CA_DAYS=3650
LEAF_DAYS=825
CRL_DAYS=365

usage() {
    cat <<EOF
$PROG — make the CA, server and client certificates for SecureChat (mutual TLS).

Examples:
  scripts/gen-certs.sh ca                            # once, on the admin machine
  scripts/gen-certs.sh server chat.example.org --ip 192.0.2.10
  scripts/gen-certs.sh server chat.example.org --ip 192.0.2.10   # renew: same key, same pin
  scripts/gen-certs.sh client alice                  # key, certificate and one-file bundle
  scripts/gen-certs.sh fingerprint certs/clients/alice.pem       # allowlist and pin forms
  scripts/gen-certs.sh revoke certs/clients/alice.pem            # then copy crl.pem to the server
  scripts/gen-certs.sh crl                           # refresh crl.pem before its next update
  scripts/gen-certs.sh --dir /srv/securechat/pki client bob

Usage:
  $PROG [--dir DIR] COMMAND [ARGUMENTS]        (--dir may also follow the command)

Commands:
  ca [--days N] [--force]
      CA key ca.key and self-signed ca.pem (CN "SecureChat CA", default $CA_DAYS days),
      the database ca-db/ and an empty crl.pem. An existing CA is kept unless --force,
      which replaces the CA key, certificate, database and CRL.
  server NAME [--dns HOST]... [--ip ADDR]... [--days N] [--force]
      server/NAME.key and server/NAME.pem (CN=NAME, serverAuth, default $LEAF_DAYS days).
      The subjectAltName lists every --dns and --ip; NAME is added as DNS name when it is
      a host name and no --dns is given (as IP address when it is one and no --ip is given).
  client NICK [--days N] [--force]
      clients/NICK.key, clients/NICK.pem (CN=NICK, clientAuth, default $LEAF_DAYS days) and
      clients/NICK.bundle.pem (certificate then key, for clients that take one file).
      NICK: letters, digits and []\\\`_^{|}-, not starting with a digit or '-', at most 30.
  fingerprint FILE
      The fingerprints of a PEM certificate (see Output).
  revoke FILE
      Revoke a certificate issued by this CA and regenerate crl.pem.
  crl [--days N]
      Regenerate crl.pem (default valid $CRL_DAYS days); run it before the next update.

  server and client keep an existing key and only issue a new certificate, so the public
  key pin stays the same across renewals; --force makes a new key. Nothing ever prompts.

Output:
  fingerprint prints exactly three lines; server and client print the same three lines
  among their other output, each starting at the beginning of the line:
    sha256:HEX       SHA-256 of the certificate (DER), 64 lowercase hex digits
    spki:HEX         SHA-256 of the public key (DER SubjectPublicKeyInfo), lowercase hex
    sha256//BASE64   the same public key hash in base64 (curl --pinnedpubkey form)
  client also prints its allowlist lines, each on a line of its own:
    NICK sha256:HEX  allowlist line for this certificate
    NICK spki:HEX    allowlist line for this key (survives renewal with the same key)
  The other commands end with the files they wrote, marked secret (0600) or public (0644).

Files (DIR defaults to certs/ in the repository; see certs/README.md):
  ca.key ca.pem crl.pem ca-db/  server/NAME.{key,pem}  clients/NICK.{key,pem,bundle.pem}

Exit status: 0 success, 1 failure, 2 usage error.
EOF
}

die() {
    printf '%s: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage_error() {
    printf '%s: %s (see %s --help)\n' "$PROG" "$*" "$PROG" >&2
    exit 2
}

note() { printf '%s\n' "$*"; }

warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }

# ---------------------------------------------------------------------------------------
# Paths, scratch space and the report of written files.

# Shows a path relative to the working directory when it lies below it.
show() {
    case $1 in
        "$PWD"/*) printf '%s' "${1#"$PWD"/}" ;;
        *) printf '%s' "$1" ;;
    esac
}

absolute() {
    case $1 in
        /*) printf '%s' "$1" ;;
        *) printf '%s' "$PWD/$1" ;;
    esac
}

# The command that repeats this invocation's --dir, for hints in messages.
hint() {
    if [[ -n $DIR_OPTION ]]; then
        printf '%s --dir %q %s' "$0" "$DIR_OPTION" "$*"
    else
        printf '%s %s' "$0" "$*"
    fi
}

WORK=""
cleanup() { if [[ -n $WORK ]]; then rm -rf -- "$WORK"; fi; }
trap cleanup EXIT

# Scratch folder inside DIR when it exists, so finished files move into place atomically.
make_work() {
    if [[ -d $DIR ]]; then
        WORK=$(mktemp -d "$DIR/.gen-certs.XXXXXX")
    else
        WORK=$(mktemp -d "${TMPDIR:-/tmp}/gen-certs.XXXXXX")
    fi
}

REPORT=()
# record PATH secret|public|database [NOTE]
record() { REPORT+=("$1|$2|${3:-}"); }

report() {
    note ""
    if ((${#REPORT[@]} == 0)); then
        note "files written: none"
        return
    fi
    note "files:"
    local entry path kind extra mode
    for entry in "${REPORT[@]}"; do
        IFS='|' read -r path kind extra <<<"$entry"
        case $kind in
            secret) mode="secret  0600" ;;
            database) mode="admin   dir " ;;
            *) mode="public  0644" ;;
        esac
        printf '  %-44s %s%s\n' "$(show "$path")" "$mode" "${extra:+  ($extra)}"
    done
}

# ---------------------------------------------------------------------------------------
# openssl, quietly: its chatter is shown only when it fails.

ssl() {
    local log="$WORK/openssl.log"
    if ! openssl "$@" </dev/null >"$log" 2>&1; then
        printf '%s: openssl %s failed:\n' "$PROG" "$1" >&2
        sed 's/^/  /' "$log" >&2
        exit 1
    fi
}

# Like ssl, but passes openssl's standard output through.
ssl_out() {
    local log="$WORK/openssl.log"
    if ! openssl "$@" </dev/null 2>"$log"; then
        printf '%s: openssl %s failed:\n' "$PROG" "$1" >&2
        sed 's/^/  /' "$log" >&2
        exit 1
    fi
}

# openssl ca, run from DIR because the database configuration uses relative paths.
ssl_ca() {
    (cd "$DIR" && ssl ca -config ca-db/openssl.cnf -batch -passin pass: "$@")
}

# new_key PATH — a fresh ECDSA P-256 key, never readable by others, not even briefly.
new_key() {
    (
        umask 077
        ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
            -pkeyopt ec_param_enc:named_curve -out "$1"
    )
    chmod 600 "$1"
}

require_p256_key() {
    local text
    text=$(ssl_out pkey -in "$1" -passin pass: -noout -text_pub)
    if [[ $text != *prime256v1* ]]; then
        die "$(show "$1") is not an ECDSA P-256 key — replace it with --force"
    fi
}

# Prints sha256:HEX, the SHA-256 of a certificate's DER encoding.
certificate_hash() {
    local hex
    ssl x509 -in "$1" -outform der -out "$WORK/fp-cert.der"
    hex=$(ssl_out dgst -sha256 -r "$WORK/fp-cert.der")
    printf 'sha256:%s\n' "${hex%% *}"
}

# Prints the three fingerprint lines of a PEM certificate.
fingerprints() {
    local cert=$1 spki pin
    certificate_hash "$cert"
    ssl x509 -in "$cert" -noout -pubkey -out "$WORK/fp-pub.pem"
    ssl pkey -pubin -in "$WORK/fp-pub.pem" -outform der -out "$WORK/fp-pub.der"
    spki=$(ssl_out dgst -sha256 -r "$WORK/fp-pub.der")
    ssl dgst -sha256 -binary -out "$WORK/fp-pub.sha256" "$WORK/fp-pub.der"
    pin=$(ssl_out base64 -A -in "$WORK/fp-pub.sha256")
    printf 'spki:%s\nsha256//%s\n' "${spki%% *}" "$pin"
}

require_pem_certificate() {
    local file=$1
    [[ -e $file ]] || die "$file: no such file"
    [[ -f $file && -r $file ]] || die "$file: not a readable file"
    if ! grep -q -- '-----BEGIN CERTIFICATE-----' "$file" ||
        ! openssl x509 -inform PEM -in "$file" -noout </dev/null >/dev/null 2>&1; then
        die "$file: not a PEM certificate"
    fi
}

cert_field() { # cert_field FILE serial|enddate|subject
    local out
    out=$(ssl_out x509 -in "$1" -noout "-$2" -nameopt utf8,sep_comma_plus)
    printf '%s' "${out#*=}"
}

# ---------------------------------------------------------------------------------------
# The CA.

CA_FILES=(ca.key ca.pem ca-db/openssl.cnf ca-db/index.txt ca-db/serial ca-db/crlnumber)

require_ca() {
    if [[ ! -e $DIR/ca.key && ! -e $DIR/ca.pem ]]; then
        die "no CA in $(show "$DIR")/ — run: $(hint ca)"
    fi
    local file
    for file in "${CA_FILES[@]}"; do
        [[ -f $DIR/$file ]] || die "incomplete CA in $(show "$DIR")/: $file is missing — restore it from a backup, or start over with: $(hint ca --force)"
    done
}

write_ca_config() {
    cat >"$1" <<'EOF'
# SecureChat CA database, written by scripts/gen-certs.sh. Paths are relative to the
# certificate folder, so run openssl from there:
#   cd certs && openssl ca -config ca-db/openssl.cnf -gencrl -out crl.pem
[ ca ]
default_ca = securechat_ca

[ securechat_ca ]
certificate      = ca.pem
private_key      = ca.key
database         = ca-db/index.txt
serial           = ca-db/serial
crlnumber        = ca-db/crlnumber
new_certs_dir    = ca-db/newcerts
default_md       = sha256
default_days     = 825
default_crl_days = 365
policy           = policy_cn
# Renewal issues a new certificate for the same name while the old one is still valid.
unique_subject   = no
# Extensions come only from this script, never from the request.
copy_extensions  = none
email_in_dn      = no
preserve         = no
crl_extensions   = crl_ext

[ policy_cn ]
commonName = supplied

[ req ]
distinguished_name = req_dn
string_mask        = utf8only

[ req_dn ]

[ ca_ext ]
basicConstraints     = critical, CA:TRUE
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
}

# gen_crl DAYS OUT — signs a CRL of everything revoked in the database.
gen_crl() {
    ssl_ca -gencrl -crldays "$1" -out "$2"
    chmod 644 "$2"
}

cmd_ca() {
    local days=$CA_DAYS force=0
    while (($#)); do
        case $1 in
            --days) (($# >= 2)) || usage_error "--days needs a number"; days=$2; shift 2 ;;
            --force) force=1; shift ;;
            -*) usage_error "ca: unknown option $1" ;;
            *) usage_error "ca takes no argument (got '$1')" ;;
        esac
    done
    check_days "$days"

    if [[ -e $DIR/ca.key || -e $DIR/ca.pem ]] && ((!force)); then
        require_ca
        note "CA already exists in $(show "$DIR")/ — kept unchanged (replace it with: $(hint ca --force))"
        note "subject: $(cert_field "$DIR/ca.pem" subject), valid until $(cert_field "$DIR/ca.pem" enddate)"
        certificate_hash "$DIR/ca.pem"
        report
        return 0
    fi

    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
    make_work

    # Build the whole CA in scratch space, then swap it in: a failure leaves the old one.
    local stage="$WORK/ca"
    mkdir -p "$stage/ca-db/newcerts"
    write_ca_config "$stage/ca-db/openssl.cnf"
    : >"$stage/ca-db/index.txt"
    printf 'unique_subject = no\n' >"$stage/ca-db/index.txt.attr"
    # A random positive 128-bit start, so serials of a replaced CA never repeat old ones.
    local random
    random=$(ssl_out rand -hex 16)
    printf '%x%s\n' $((RANDOM % 7 + 1)) "${random:1}" >"$stage/ca-db/serial"
    printf '1000\n' >"$stage/ca-db/crlnumber"
    new_key "$stage/ca.key"
    ssl req -new -x509 -batch -config "$stage/ca-db/openssl.cnf" -extensions ca_ext \
        -key "$stage/ca.key" -passin pass: -sha256 -days "$days" -subj "/CN=SecureChat CA" \
        -out "$stage/ca.pem"
    chmod 644 "$stage/ca.pem"
    (DIR=$stage && gen_crl "$CRL_DAYS" "$stage/crl.pem")

    local replaced=0
    if [[ -e $DIR/ca.key || -e $DIR/ca.pem ]]; then replaced=1; fi
    rm -rf -- "$DIR/ca-db"
    mv -f -- "$stage/ca-db" "$DIR/ca-db"
    mv -f -- "$stage/ca.key" "$DIR/ca.key"
    mv -f -- "$stage/ca.pem" "$DIR/ca.pem"
    mv -f -- "$stage/crl.pem" "$DIR/crl.pem"

    if ((replaced)); then
        note "CA replaced in $(show "$DIR")/"
    else
        note "CA created in $(show "$DIR")/"
    fi
    note "subject: $(cert_field "$DIR/ca.pem" subject), valid until $(cert_field "$DIR/ca.pem" enddate)"
    certificate_hash "$DIR/ca.pem"
    if ((replaced)) && { compgen -G "$DIR/server/*.pem" || compgen -G "$DIR/clients/*.pem"; } >/dev/null; then
        warn "certificates in server/ and clients/ were issued by the old CA; issue them again"
    fi
    record "$DIR/ca.key" secret "keep it off the server"
    record "$DIR/ca.pem" public
    record "$DIR/crl.pem" public
    record "$DIR/ca-db/" database "CA database, not secret; stays with ca.key"
    report
}

cmd_crl() {
    local days=$CRL_DAYS
    while (($#)); do
        case $1 in
            --days) (($# >= 2)) || usage_error "--days needs a number"; days=$2; shift 2 ;;
            -*) usage_error "crl: unknown option $1" ;;
            *) usage_error "crl takes no argument (got '$1')" ;;
        esac
    done
    check_days "$days"
    require_ca
    DIR=$(cd "$DIR" && pwd)
    make_work
    publish_crl "$days"
    report
}

# Regenerates crl.pem and says what it holds.
publish_crl() {
    gen_crl "$1" "$WORK/crl.pem"
    mv -f -- "$WORK/crl.pem" "$DIR/crl.pem"
    local revoked next
    revoked=$(grep -c '^R' "$DIR/ca-db/index.txt" || true)
    next=$(ssl_out crl -in "$DIR/crl.pem" -noout -nextupdate)
    note "crl.pem regenerated: $revoked revoked, next update ${next#*=} — copy it to the server"
    record "$DIR/crl.pem" public
}

# ---------------------------------------------------------------------------------------
# Server and client certificates.

check_days() {
    [[ $1 =~ ^[1-9][0-9]{0,5}$ ]] || usage_error "--days must be a positive number of days (got '$1')"
}

is_ipv4() {
    local IFS=. octet
    [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || return 1
    for octet in $1; do ((10#$octet <= 255)) || return 1; done
}

is_ipv6() { [[ $1 == *:* && $1 =~ ^[0-9A-Fa-f:.]+$ ]]; }

is_host() {
    local label='[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
    ((${#1} <= 253)) && [[ $1 =~ ^$label(\.$label)*$ ]] && ! is_ipv4 "$1"
}

# issue KIND NAME DAYS FORCE KEY PEM EXTENSIONS — the shared part of server and client:
# keep or make the key, have the CA sign a certificate for it, move both into place.
# Sets KEY_KEPT and OLD_SERIAL (the replaced certificate's serial, if any).
issue() {
    local kind=$1 name=$2 days=$3 force=$4 key=$5 pem=$6 extensions=$7
    KEY_KEPT=0
    OLD_SERIAL=""
    local signing_key="$WORK/new.key"
    if [[ -f $key ]] && ((!force)); then
        require_p256_key "$key"
        signing_key=$key
        KEY_KEPT=1
    else
        new_key "$signing_key"
    fi
    if [[ -f $pem ]] && openssl verify -no_check_time -trusted "$DIR/ca.pem" "$pem" </dev/null >/dev/null 2>&1; then
        OLD_SERIAL=$(cert_field "$pem" serial)
    fi

    printf '%s\n' "$extensions" >"$WORK/leaf.ext"
    local subject=${name//\\/\\\\}
    ssl req -new -batch -config "$DIR/ca-db/openssl.cnf" -key "$signing_key" -passin pass: \
        -subj "/CN=$subject" -out "$WORK/leaf.csr"
    ssl_ca -days "$days" -notext -extfile "$WORK/leaf.ext" -extensions leaf \
        -in "$WORK/leaf.csr" -out "$WORK/leaf.pem"
    chmod 644 "$WORK/leaf.pem"
    if ! openssl x509 -in "$DIR/ca.pem" -noout -checkend $((days * 86400)) </dev/null >/dev/null 2>&1; then
        warn "the CA expires before this $kind certificate does; renew the CA first"
    fi

    if ((!KEY_KEPT)); then mv -f -- "$signing_key" "$key"; fi
    mv -f -- "$WORK/leaf.pem" "$pem"
}

leaf_extensions() { # leaf_extensions serverAuth|clientAuth [subjectAltName]
    cat <<EOF
[ leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = $1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
    if [[ -n ${2:-} ]]; then printf 'subjectAltName         = %s\n' "$2"; fi
}

# Tells what happened to the key and to the certificate this one replaces.
describe_issue() {
    local kind=$1 name=$2 key=$3 pem=$4
    note "$kind certificate for $name issued: serial $(cert_field "$pem" serial), valid until $(cert_field "$pem" enddate)"
    if ((KEY_KEPT)); then
        note "key kept: $(show "$key") (same public key, so its spki and pin are unchanged)"
        record "$key" secret "kept"
    else
        record "$key" secret "new"
    fi
    if [[ -n $OLD_SERIAL ]]; then
        note "the previous certificate (serial $OLD_SERIAL) stays valid until it expires; to retire it:"
        note "  $(hint revoke "$(show "$DIR/ca-db/newcerts/$OLD_SERIAL.pem")")"
    fi
}

cmd_server() {
    local name="" days=$LEAF_DAYS force=0 dns=() ips=()
    while (($#)); do
        case $1 in
            --dns) (($# >= 2)) || usage_error "--dns needs a host name"; dns+=("$2"); shift 2 ;;
            --ip) (($# >= 2)) || usage_error "--ip needs an address"; ips+=("$2"); shift 2 ;;
            --days) (($# >= 2)) || usage_error "--days needs a number"; days=$2; shift 2 ;;
            --force) force=1; shift ;;
            -*) usage_error "server: unknown option $1" ;;
            *) [[ -z $name ]] || usage_error "server takes one NAME (got '$name' and '$1')"; name=$1; shift ;;
        esac
    done
    [[ -n $name ]] || usage_error "server needs a NAME, e.g.: $PROG server chat.example.org"
    [[ $name =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$ ]] ||
        usage_error "server name '$name' is invalid: use letters, digits, '.', '_' and '-', at most 64, not starting with '.' or '-'"
    check_days "$days"

    local value
    for value in ${dns[@]+"${dns[@]}"}; do
        # A host name, or a wildcard as the whole first label: *.example.org
        is_host "$value" || [[ $value == \*.* ]] && is_host "${value#\*.}" ||
            usage_error "--dns '$value' is not a host name"
    done
    for value in ${ips[@]+"${ips[@]}"}; do
        is_ipv4 "$value" || is_ipv6 "$value" || usage_error "--ip '$value' is not an IPv4 or IPv6 address"
    done
    if ((${#dns[@]} == 0)) && is_host "$name"; then dns=("$name"); fi
    if ((${#ips[@]} == 0)) && is_ipv4 "$name"; then ips=("$name"); fi
    ((${#dns[@]} + ${#ips[@]} > 0)) ||
        usage_error "server '$name' needs a subject alternative name: pass --dns HOST or --ip ADDR"

    local san="" seen=" "
    for value in ${dns[@]+"${dns[@]}"}; do
        [[ $seen == *" DNS:$value "* ]] || { san+="${san:+, }DNS:$value"; seen+="DNS:$value "; }
    done
    for value in ${ips[@]+"${ips[@]}"}; do
        [[ $seen == *" IP:$value "* ]] || { san+="${san:+, }IP:$value"; seen+="IP:$value "; }
    done

    require_ca
    DIR=$(cd "$DIR" && pwd)
    mkdir -p "$DIR/server"
    make_work
    local key="$DIR/server/$name.key" pem="$DIR/server/$name.pem"
    issue server "$name" "$days" "$force" "$key" "$pem" "$(leaf_extensions serverAuth "$san")"

    describe_issue server "$name" "$key" "$pem"
    note "subjectAltName: $san"
    note ""
    note "fingerprints (clients pin the key: spki or sha256//; the certificate hash changes on renewal):"
    fingerprints "$pem"
    record "$pem" public
    report
}

NICK_PATTERN='^[]A-Za-z[\`_^{|}][]A-Za-z0-9[\`_^{|}-]*$'

cmd_client() {
    local nick="" days=$LEAF_DAYS force=0
    while (($#)); do
        case $1 in
            --days) (($# >= 2)) || usage_error "--days needs a number"; days=$2; shift 2 ;;
            --force) force=1; shift ;;
            -?*) usage_error "client: unknown option $1" ;;
            *) [[ -z $nick ]] || usage_error "client takes one NICK (got '$nick' and '$1')"; nick=$1; shift ;;
        esac
    done
    [[ -n $nick ]] || usage_error "client needs a NICK, e.g.: $PROG client alice"
    if ((${#nick} > 30)) || ! [[ $nick =~ $NICK_PATTERN ]]; then
        usage_error "invalid nick '$nick': use letters, digits and []\\\`_^{|}-, not starting with a digit or '-', at most 30 characters"
    fi
    check_days "$days"

    require_ca
    DIR=$(cd "$DIR" && pwd)
    mkdir -p "$DIR/clients"
    make_work
    local key="$DIR/clients/$nick.key" pem="$DIR/clients/$nick.pem" bundle="$DIR/clients/$nick.bundle.pem"
    issue client "$nick" "$days" "$force" "$key" "$pem" "$(leaf_extensions clientAuth)"
    (
        umask 077
        cat "$pem" "$key" >"$WORK/bundle.pem"
    )
    chmod 600 "$WORK/bundle.pem"
    mv -f -- "$WORK/bundle.pem" "$bundle"

    describe_issue client "$nick" "$key" "$pem"
    local lines hex spki
    lines=$(fingerprints "$pem")
    hex=$(sed -n 's/^sha256:\([0-9a-f]*\)$/\1/p' <<<"$lines")
    spki=$(sed -n 's/^spki:\([0-9a-f]*\)$/\1/p' <<<"$lines")
    note ""
    note "allowlist line for the server (this certificate):"
    note "$nick sha256:$hex"
    note "or, to allow this key across renewals:"
    note "$nick spki:$spki"
    note ""
    note "fingerprints:"
    note "$lines"
    record "$pem" public
    record "$bundle" secret "certificate + key"
    report
}

cmd_fingerprint() {
    (($# == 1)) || usage_error "fingerprint takes one FILE"
    [[ $1 != -* ]] || usage_error "fingerprint: unknown option $1"
    require_pem_certificate "$1"
    make_work
    local out
    out=$(fingerprints "$1")
    note "$out"
}

cmd_revoke() {
    (($# == 1)) || usage_error "revoke takes one FILE"
    [[ $1 != -* ]] || usage_error "revoke: unknown option $1"
    local file
    file=$(absolute "$1")
    require_ca
    require_pem_certificate "$1"
    DIR=$(cd "$DIR" && pwd)
    make_work

    if ! openssl verify -no_check_time -trusted "$DIR/ca.pem" "$file" </dev/null >/dev/null 2>&1; then
        die "$1 was not issued by the CA in $(show "$DIR")/"
    fi
    local serial subject ca_hash cert_hash
    ca_hash=$(certificate_hash "$DIR/ca.pem")
    cert_hash=$(certificate_hash "$file")
    [[ $ca_hash != "$cert_hash" ]] ||
        die "$1 is the CA certificate itself; to retire the CA, make a new one: $(hint ca --force)"
    serial=$(cert_field "$file" serial)
    subject=$(cert_field "$file" subject)

    local status
    status=$(awk -F'\t' -v s="$serial" '$4 == s { print $1 }' "$DIR/ca-db/index.txt")
    if [[ $status == R ]]; then
        note "already revoked: serial $serial ($subject)"
    else
        ssl_ca -revoke "$file"
        note "revoked: serial $serial ($subject)"
    fi
    publish_crl "$CRL_DAYS"
    report
}

# ---------------------------------------------------------------------------------------
# Arguments: --dir and --help may appear anywhere, the first other word is the command.

DIR_OPTION=""
ARGS=()
while (($#)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --dir) (($# >= 2)) && [[ -n $2 ]] || usage_error "--dir needs a folder"; DIR_OPTION=$2; shift 2 ;;
        --dir=*) DIR_OPTION=${1#--dir=}; [[ -n $DIR_OPTION ]] || usage_error "--dir needs a folder"; shift ;;
        --days=* | --dns=* | --ip=*) ARGS+=("${1%%=*}" "${1#*=}"); shift ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
DIR=${DIR_OPTION:-$DEFAULT_DIR}
DIR=$(absolute "$DIR")

if ((${#ARGS[@]} == 0)); then
    usage >&2
    exit 2
fi
command -v openssl >/dev/null 2>&1 || die "openssl not found on PATH — install it (Debian: apt-get install openssl)"

COMMAND=${ARGS[0]}
ARGS=("${ARGS[@]:1}")
case $COMMAND in
    ca) cmd_ca ${ARGS[@]+"${ARGS[@]}"} ;;
    server) cmd_server ${ARGS[@]+"${ARGS[@]}"} ;;
    client) cmd_client ${ARGS[@]+"${ARGS[@]}"} ;;
    fingerprint) cmd_fingerprint ${ARGS[@]+"${ARGS[@]}"} ;;
    revoke) cmd_revoke ${ARGS[@]+"${ARGS[@]}"} ;;
    crl) cmd_crl ${ARGS[@]+"${ARGS[@]}"} ;;
    help) usage ;;
    -*) usage_error "unknown option $COMMAND" ;;
    *)
        printf '%s: unknown command %s\n\n' "$PROG" "'$COMMAND'" >&2
        usage >&2
        exit 2
        ;;
esac
