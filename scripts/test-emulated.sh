#!/usr/bin/env bash
# The Rust tests built for another architecture and run under qemu-user (issue 24):
# the runtime's unit and integration tests, then the facade's multi-process targets.
# Installs what it needs on a Debian-like machine (cross gcc/g++ and libc, qemu-user-static
# with binfmt, the Rust target) and registers binfmt, so that the processes the tests
# spawn (the test binary itself, the shma binary, C programs built with the cross gcc)
# run emulated too.
#
#   scripts/test-emulated.sh aarch64-unknown-linux-gnu
#   scripts/test-emulated.sh armv7-unknown-linux-gnueabihf
#   scripts/test-emulated.sh s390x-unknown-linux-gnu        # big-endian
#   FACADE_TESTS="segment wait" scripts/test-emulated.sh ...  # fewer facade targets
#   SKIP_RUNTIME=1 scripts/test-emulated.sh ...               # the facade's only
#   RUNTIME_TESTS="errors region" scripts/test-emulated.sh ... # some runtime targets
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

TARGET=${1:?usage: scripts/test-emulated.sh TARGET}
case "$TARGET" in
    aarch64-unknown-linux-gnu) GNU=aarch64-linux-gnu DEB=arm64 QEMU=aarch64 ;;
    armv7-unknown-linux-gnueabihf) GNU=arm-linux-gnueabihf DEB=armhf QEMU=arm ;;
    s390x-unknown-linux-gnu) GNU=s390x-linux-gnu DEB=s390x QEMU=s390x ;;
    *) echo "error: $TARGET is not one of the emulated targets (see the case above)" >&2
       exit 2 ;;
esac
# The facade's test targets run here: every multi-process one and the width table.
# FACADE_TESTS="" runs none of them.
read -r -a FACADE <<<"${FACADE_TESTS-segment records wait widths_table layout cli}"

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
command -v "$GNU-gcc" >/dev/null 2>&1 || need+=("gcc-$GNU")
command -v "$GNU-g++" >/dev/null 2>&1 || need+=("g++-$GNU")
[ -e "/usr/$GNU/include/stdio.h" ] || need+=("libc6-dev-$DEB-cross")
command -v "qemu-$QEMU-static" >/dev/null 2>&1 || need+=(qemu-user-static binfmt-support)
if [ ${#need[@]} -gt 0 ]; then
    echo "== installing ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
rustup target add "$TARGET"

# binfmt: the kernel hands every $QEMU executable to qemu, so children run too.
BINFMT=/proc/sys/fs/binfmt_misc
[ -e "$BINFMT/register" ] || $SUDO mount -t binfmt_misc binfmt_misc "$BINFMT"
[ -e "$BINFMT/qemu-$QEMU" ] || $SUDO update-binfmts --enable "qemu-$QEMU"
if ! grep -qx enabled "$BINFMT/qemu-$QEMU"; then
    echo "error: binfmt for qemu-$QEMU is not enabled: the tests' child processes" \
        "could not start (exit 127)" >&2
    exit 1
fi

T=$(echo "$TARGET" | tr 'a-z-' 'A-Z_')
export "CARGO_TARGET_${T}_LINKER=$GNU-gcc"
export "CARGO_TARGET_${T}_RUNNER=qemu-$QEMU-static -L /usr/$GNU"
export QEMU_LD_PREFIX="/usr/$GNU"           # for children started through binfmt
export "CC_${TARGET//-/_}=$GNU-gcc" "CXX_${TARGET//-/_}=$GNU-g++"   # build scripts
export SHM_ATOMICS_TEST_CC="$GNU-gcc" SHM_ATOMICS_TEST_CXX="$GNU-g++"  # tests' C programs
# Property tests under emulation: 16 cases each (every case costs tens of times more under
# qemu; the native run keeps its full count). PROPTEST_CASES=N overrides.
export PROPTEST_CASES="${PROPTEST_CASES:-16}"
# The records target's million snapshots: 20,000 per reader process under emulation.
export SHM_ATOMICS_TEST_SNAPSHOTS="${SHM_ATOMICS_TEST_SNAPSHOTS:-20000}"

start=$(date +%s)
if [ "${SKIP_RUNTIME:-0}" != 1 ]; then
    echo "== $TARGET under qemu-$QEMU: the runtime's tests"
    # --lib --tests: not the doctests (not run for a cross target), not the examples.
    if [ -n "${RUNTIME_TESTS:-}" ]; then
        read -r -a rt <<<"$RUNTIME_TESTS"
        rargs=(--lib)
        for t in "${rt[@]}"; do rargs+=(--test "$t"); done
        cargo test --target "$TARGET" --all-features -p shm-atomics-runtime "${rargs[@]}"
    else
        cargo test --target "$TARGET" --all-features -p shm-atomics-runtime --lib --tests
    fi
fi
if [ ${#FACADE[@]} -gt 0 ]; then
    echo "== $TARGET under qemu-$QEMU: the facade's ${FACADE[*]}"
    # The cli tests run the `counters` example: build the examples first.
    cargo build --target "$TARGET" --all-features --examples
    args=()
    for t in "${FACADE[@]}"; do args+=(--test "$t"); done
    # FACADE_FILTERS: libtest name filters (a target where some tests cannot run yet).
    read -r -a filters <<<"${FACADE_FILTERS:-}"
    # segment's truncate:: tests repair a fault in a SIGBUS handler, which needs the
    # faulting address. Some qemu-user guests get it wrong (one page too high on arm,
    # garbage on s390x, with qemu 7.2): scripts/sigbus-probe.c checks this qemu, and the
    # tests that take the fault in the test process are left out, loudly, only if it fails.
    probe_dir=$(mktemp -d)
    "$GNU-gcc" -O1 -o "$probe_dir/sigbus-probe" scripts/sigbus-probe.c
    if ! why=$(timeout 60 "$probe_dir/sigbus-probe" 2>&1); then
        echo "== WARNING: qemu-$QEMU gives a SIGBUS handler a wrong address ($why):" \
            "five of segment's truncate:: tests are NOT run here (they run natively)"
        for t in a_fault_is_reported_even_after_the_file_grows_back \
            every_handle_in_one_process_survives_and_reports \
            threads_faulting_on_the_same_pages_at_once_survive \
            writer_and_reader_survive_truncation_to_100_bytes \
            writer_and_reader_survive_truncation_to_zero; do
            filters+=(--skip "truncate::$t")
        done
    fi
    rm -rf "$probe_dir"
    cargo test --target "$TARGET" --all-features "${args[@]}" -- "${filters[@]}"
fi

# Cross-architecture peers: this target's build (emulated) and the host's (native) of one
# program update one segment at the same time; the totals must be exact. Only for a
# little-endian target with lock-free 16-byte atomics (aarch64): a big-endian one is
# refused by design (ByteOrder), a 32-bit one has no 16-byte field.
if [ "$TARGET" = aarch64-unknown-linux-gnu ] && [ "${SKIP_PEERS:-0}" != 1 ]; then
    echo "== cross-architecture peers: $(uname -m) native and $TARGET under qemu-$QEMU"
    cargo build --release --features shm --example peers
    cargo build --release --features shm --example peers --target "$TARGET"
    native=target/release/examples/peers
    emulated=target/$TARGET/release/examples/peers
    seg=$(mktemp -d)/peers.seg
    ops=200000
    "$native" create "$seg"
    pids=()
    for bin in "$native" "$emulated" "$native" "$emulated"; do
        timeout 600 "$bin" work "$seg" "$ops" 4 & pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    "$native" check "$seg" "$ops" 4
    "$emulated" check "$seg" "$ops" 4
    rm -rf "$(dirname "$seg")"
fi
echo "== $TARGET took $(( $(date +%s) - start )) s"
