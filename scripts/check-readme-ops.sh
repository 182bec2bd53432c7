#!/usr/bin/env bash
# Checks the operations steps of the README as they are written: the server's systemd unit, the handheld's
# user unit and the cron lines. A step that fails on a fresh system (a folder the unit names that nobody
# creates, a relative path in cron, a bare % that cron cuts the command at, no restart delay) fails here.
#
#   scripts/check-readme-ops.sh [README.md]
#
# With systemd-analyze installed, each unit is also given to `systemd-analyze verify`, which must say nothing.
# It refuses a unit whose program is missing: when /usr/local/bin/spunta-server or /usr/local/bin/spunta is not
# installed, the unit is verified with the program named by SPUNTA_SERVER_BIN or SPUNTA_BIN instead (the
# tests pass the ones they built); without those, that verification is skipped and said so.
# Exit status: 0 all good, 1 a problem (each one printed), 2 wrong usage.
set -uo pipefail

readme="${1:-$(dirname "$0")/../README.md}"
[ -r "$readme" ] || { echo "uso: $0 [README.md]" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
problems=0
problem() { echo "PROBLEMA: $*" >&2; problems=$((problems + 1)); }
note() { echo "$*"; }

# The fenced block that follows the first line mentioning $1, without its fences (and its indentation).
block_after() {
    awk -v marker="$1" '
        !found && index($0, marker) { found = 1; next }
        found == 1 && /^[[:space:]]*```/ { found = 2; match($0, /^[[:space:]]*/); indent = RLENGTH; next }
        found == 2 && /^[[:space:]]*```/ { exit }
        found == 2 { print substr($0, indent + 1) }
    ' "$readme"
}

# Value(s) of a key in a unit file.
unit_values() { sed -n "s/^$2=//p" "$1"; }

check_unit_paths() {
    local unit="$1" name="$2"
    local state logs cache runtime
    state="$(unit_values "$unit" StateDirectory)"; logs="$(unit_values "$unit" LogsDirectory)"
    cache="$(unit_values "$unit" CacheDirectory)"; runtime="$(unit_values "$unit" RuntimeDirectory)"
    local created=""
    for d in $state; do created="$created /var/lib/$d"; done
    for d in $logs; do created="$created /var/log/$d"; done
    for d in $cache; do created="$created /var/cache/$d"; done
    for d in $runtime; do created="$created /run/$d"; done
    # Every folder the unit lets the service write must be created by systemd or marked optional with "-".
    for path in $(unit_values "$unit" ReadWritePaths); do
        case "$path" in -*) continue ;; esac
        local ok=0
        for c in $created; do [ "$path" = "$c" ] && ok=1; done
        [ $ok = 1 ] || problem "$name: ReadWritePaths=$path non è creata da StateDirectory/LogsDirectory né segnata facoltativa (-$path): su un sistema nuovo il servizio non parte"
    done
    # With ProtectSystem=strict the service writes only there: the database and the log must be inside.
    if grep -q '^ProtectSystem=strict' "$unit"; then
        local writable="$created $(unit_values "$unit" ReadWritePaths | tr -d '-')"
        for option in --db --access-log; do
            local file
            file="$(unit_values "$unit" ExecStart | sed -n "s/.*$option \([^ ]*\).*/\1/p")"
            [ -n "$file" ] || continue
            local inside=0
            for w in $writable; do case "$file" in "$w"/*) inside=1 ;; esac; done
            [ $inside = 1 ] || problem "$name: $option $file è fuori dalle cartelle scrivibili del servizio ($writable)"
        done
    fi
}

verify_unit() {
    local unit="$1" name="$2" program="$3" replacement="$4"
    if ! command -v systemd-analyze > /dev/null; then
        note "$name: systemd-analyze non installato, verifica di systemd saltata"
        return
    fi
    mkdir -p "$work/verify"
    local copy="$work/verify/$name"
    cp "$unit" "$copy"
    if [ ! -x "$program" ]; then
        if [ -n "$replacement" ] && [ -x "$replacement" ]; then
            sed -i "s#^ExecStart=$program#ExecStart=$replacement#" "$copy"
            note "$name: $program non installato, verificato con $replacement"
        else
            note "$name: $program non installato e nessun sostituto: verifica di systemd saltata"
            return
        fi
    fi
    local out
    out="$(systemd-analyze verify "$copy" 2>&1)"
    local status=$?
    if [ $status -ne 0 ] || [ -n "$out" ]; then
        problem "$name: systemd-analyze verify dice: $out"
    else
        note "$name: systemd-analyze verify senza osservazioni"
    fi
}

# --- The server's unit -------------------------------------------------------------------------------------
server="$work/spunta.service"
block_after "/etc/systemd/system/spunta.service" > "$server"
if [ ! -s "$server" ]; then
    problem "unità del server (/etc/systemd/system/spunta.service) non trovata nel README"
else
    grep -q '^User=spunta$' "$server" || problem "spunta.service: manca User=spunta"
    grep -q '^ExecStart=/' "$server" || problem "spunta.service: ExecStart senza percorso assoluto"
    grep -q '^Restart=' "$server" || problem "spunta.service: manca Restart="
    check_unit_paths "$server" spunta.service
    verify_unit "$server" spunta.service /usr/local/bin/spunta-server "${SPUNTA_SERVER_BIN:-}"
fi

# --- The handheld's user unit ------------------------------------------------------------------------------
handheld="$work/spunta-sync.service"
block_after "spunta-sync.service" > "$handheld"
if [ ! -s "$handheld" ]; then
    problem "unità del palmare (spunta-sync.service) non trovata nel README"
else
    grep -q '^ExecStart=/' "$handheld" || problem "spunta-sync.service: ExecStart senza percorso assoluto"
    grep -Eq '^Restart=(on-failure|always)$' "$handheld" || problem "spunta-sync.service: manca Restart=on-failure"
    restart_sec="$(unit_values "$handheld" RestartSec)"
    [ -n "$restart_sec" ] && [ "${restart_sec%%[!0-9]*}" -ge 5 ] 2>/dev/null \
        || problem "spunta-sync.service: manca un ritardo prima di ripartire (RestartSec= di almeno 5 s)"
    # spunta sync exits 4 when the server refuses the device (revoked, to be enrolled again): no restart then.
    grep -q '^RestartPreventExitStatus=4$' "$handheld" \
        || problem "spunta-sync.service: manca RestartPreventExitStatus=4 (dispositivo revocato: non deve ripartire)"
    verify_unit "$handheld" spunta-sync.service /usr/local/bin/spunta "${SPUNTA_BIN:-}"
fi

# --- The cron lines ----------------------------------------------------------------------------------------
cron="$work/cron"
block_after "/etc/cron.d/spunta" > "$cron"
if [ ! -s "$cron" ]; then
    problem "righe di cron (/etc/cron.d/spunta) non trovate nel README"
else
    lines=0
    backup_pruned=0
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        case "$line" in [A-Z_]*=*) continue ;; esac
        lines=$((lines + 1))
        # Split into words as cron does, without expanding the * of the schedule into file names.
        set -f
        # shellcheck disable=SC2086
        set -- $line
        set +f
        if [ $# -lt 7 ]; then problem "cron: riga incompleta (5 campi di orario, utente, comando): $line"; continue; fi
        user="$6"
        [ "$user" = "spunta" ] || problem "cron: i comandi girano come spunta, non come $user: $line"
        shift 6
        command="$*"
        [ "${1:0:1}" = "/" ] || problem "cron: comando senza percorso assoluto ($1)"
        # A bare % ends the command in a cron file; \% is a percent sign.
        stripped="${command//\\%/}"
        case "$stripped" in *%*) problem "cron: % non protetto (scrivere \\%): $line" ;; esac
        # Every program after && ; | $( is named by its full path too.
        for program in $(printf '%s\n' "$command" | grep -oE '(&&|;|\||\$\()[[:space:]]*[^[:space:]]+' | sed -E 's/^(&&|;|\||\$\()[[:space:]]*//'); do
            [ "${program:0:1}" = "/" ] || problem "cron: programma senza percorso assoluto ($program): $line"
        done
        case "$command" in
            *" backup "*)
                case "$command" in *"/find "*"-mtime +"*"-delete"*) backup_pruned=1 ;; esac
                ;;
        esac
        for program in "$1"; do
            [ -x "$program" ] || [ "$program" = /usr/local/bin/spunta-server ] || problem "cron: $program non esiste su questo sistema"
        done
    done < "$cron"
    [ $lines -gt 0 ] || problem "cron: nessuna riga di comando"
    [ $backup_pruned = 1 ] || problem "cron: la copia di sicurezza non elimina le copie vecchie (find … -mtime +N -delete)"
fi

if [ $problems -gt 0 ]; then
    echo "$problems problemi nei passi del README." >&2
    exit 1
fi
echo "Passi del README in ordine: unità systemd e righe di cron."
