#!/bin/sh
# deps.sh - make sure this Debian machine has what conclab builds and runs with.
#
# Checks for each tool or library; installs the missing Debian packages when
# run as root (apt-get update first: a fresh machine's package lists may be
# empty or stale); otherwise prints the one command to run and exits 2.
# Python 3 is optional: the harness uses it for the CPython side-by-side runs
# and says so in the report when it is missing.
set -u

missing=""
need() { # need PACKAGE CHECK-COMMAND...
    pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then missing="$missing $pkg"; fi
}

need gcc          command -v gcc
need make         command -v make
need pkg-config   command -v pkg-config
need libevent-dev pkg-config --exists libevent
need libcriterion-dev pkg-config --exists criterion
need gnuplot-nox  command -v gnuplot
need hyperfine    command -v hyperfine
# GLib: only the side-by-side benchmarks (GAsyncQueue in 55, GThreadPool in 59).
need libglib2.0-dev pkg-config --exists glib-2.0
# clang and libFuzzer: `make fuzz` (the line parser of item 61).
need clang-14     command -v clang-14
need libfuzzer-14-dev test -e /usr/lib/llvm-14/lib/libFuzzer.a
need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a'
# Chart text needs a real font; without one cairo draws empty boxes.
need fonts-dejavu-core test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "conclab needs these Debian packages:$missing" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 2
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || { echo "deps: apt-get update failed" >&2; exit 2; }
# shellcheck disable=SC2086 # the package list is meant to split
apt-get install -y -q --no-install-recommends $missing >&2 \
    || { echo "deps: apt-get install failed for:$missing" >&2; exit 2; }
