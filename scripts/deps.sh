#!/bin/sh
# deps.sh TARGET - make sure this Debian machine has what TARGET needs:
#   build   gcc, make, pkg-config, libevent, GLib (every program and bench)
#   charts  build + gnuplot, a font, hyperfine, Miller, procps (the harness)
#   test    charts + Criterion (the unit tests; the smoke run is a harness run)
#   fuzz    build + clang 14 with libFuzzer (make fuzz alone)
# Checks for each tool or library; installs the missing Debian packages when
# run as root (apt-get update first: a fresh machine's package lists may be
# empty or stale); otherwise prints the one command to run and exits 2.
# Python is optional: the harness runs the CPython side-by-side programs on
# every interpreter it finds, and says so in the report when there is none.
set -u
target=${1:-build}

missing=""
need() { # need PACKAGE CHECK-COMMAND...
    pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then missing="$missing $pkg"; fi
}

need_build() {
    need gcc          command -v gcc
    need make         command -v make
    need pkg-config   command -v pkg-config
    need libevent-dev pkg-config --exists libevent
    # GLib: the side-by-side benchmarks (GAsyncQueue in 55, GThreadPool in 59).
    need libglib2.0-dev pkg-config --exists glib-2.0
}
need_charts() {
    need gnuplot-nox  command -v gnuplot
    # Chart text needs a real font; without one cairo draws empty boxes.
    need fonts-dejavu-core test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
    need hyperfine    command -v hyperfine
    # Miller: the judges read every CSV by column name (medians, ranges, joins).
    need miller       command -v mlr
    # pkill: a stopped harness ends its background helpers' children too.
    need procps       command -v pkill
}

case $target in
    build) need_build ;;
    charts) need_build; need_charts ;;
    test) need_build; need_charts; need libcriterion-dev pkg-config --exists criterion ;;
    fuzz)
        need_build
        need clang-14     command -v clang-14
        need libfuzzer-14-dev test -e /usr/lib/llvm-14/lib/libFuzzer.a
        need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a'
        ;;
    *) echo "deps.sh: no target '$target' (build, charts, test, fuzz)" >&2; exit 2 ;;
esac

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "conclab ($target) needs these Debian packages:$missing" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 2
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || { echo "deps: apt-get update failed" >&2; exit 2; }
# shellcheck disable=SC2086 # the package list is meant to split
apt-get install -y -q --no-install-recommends $missing >&2 \
    || { echo "deps: apt-get install failed for:$missing" >&2; exit 2; }
