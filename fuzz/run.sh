#!/usr/bin/env bash
# Builds one libFuzzer executable from the package's own sources and runs it.
#   fuzz/run.sh TARGET SECONDS      TARGET: http, push, xml or csv
#   fuzz/run.sh TARGET build        only build (fuzz/build/TARGET)
# New inputs go to fuzz/build/work/TARGET, crashes to fuzz/build/artifacts/TARGET/; the seeds in
# fuzz/corpus/TARGET are read, never written.
set -euo pipefail

target=${1:?usage: fuzz/run.sh http|push|xml|csv SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/fuzz/build"
mkdir -p "$build/modules" "$build/work/$target" "$build/artifacts/$target"

# lld: gold prints a warning for every ASan helper symbol.
flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -O -g -use-ld=lld)

# SpuntaDomain as a module of its own (SpuntaExchange imports it).
domain() {
    local sources
    mapfile -t sources < <(find "$root/Sources/SpuntaDomain" -name '*.swift' | sort)
    swiftc "${flags[@]}" -module-name SpuntaDomain -wmo -c "${sources[@]}" \
        -emit-module -emit-module-path "$build/modules/SpuntaDomain.swiftmodule" -o "$build/modules/SpuntaDomain.o"
}

case "$target" in
http)
    swiftc "${flags[@]}" -module-name SpuntaHTTP \
        "$root/Sources/SpuntaHTTP/HTTPDecoder.swift" "$root/Sources/SpuntaHTTP/HTTPHeaders.swift" \
        "$root/Sources/SpuntaHTTP/HTTPRequest.swift" "$root/Sources/SpuntaHTTP/HTTPStatus.swift" \
        "$root/fuzz/targets/http.swift" -o "$build/http"
    ;;
push)
    domain
    mapfile -t sources < <(find "$root/Sources/SpuntaProtocol" -name '*.swift' | sort)
    swiftc "${flags[@]}" -module-name SpuntaProtocol -I "$build/modules" \
        "${sources[@]}" "$root/fuzz/targets/push.swift" "$build/modules/SpuntaDomain.o" -o "$build/push"
    ;;
xml|csv)
    domain
    mapfile -t sources < <(find "$root/Sources/SpuntaExchange" -name '*.swift' | sort)
    swiftc "${flags[@]}" -module-name SpuntaExchange -I "$build/modules" \
        "${sources[@]}" "$root/fuzz/targets/exchange-common.swift" "$root/fuzz/targets/$target.swift" \
        "$build/modules/SpuntaDomain.o" -o "$build/$target"
    ;;
*)
    echo "unknown target $target: http, push, xml or csv" >&2
    exit 2
    ;;
esac

[[ "$seconds" == build ]] && exit 0

# Leaks inside the toolchain's own libraries are listed in lsan.supp; any other leak stops the run.
export LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# -timeout: an input taking longer is a hang; -rss_limit_mb: one using more memory is a failure too.
exec "$build/$target" "$build/work/$target" "$root/fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$build/artifacts/$target/" -print_final_stats=1
