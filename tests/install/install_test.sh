#!/usr/bin/env bash
# install_test.sh — `cmake --install` into a temporary prefix (and with DESTDIR), then the
# installed binary runs the installed scenarios; `cpack -G DEB` builds a package whose
# extracted binary does the same. Issue 14 item 3.
#
#   install_test.sh install BUILD_DIR SOURCE_DIR [viz]
#   install_test.sh deb     BUILD_DIR SOURCE_DIR [viz]
set -euo pipefail
mode="$1" build="$2" src="$3" viz="${4:-}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/leasesim-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_file() { [[ -f "$1" ]] || fail "missing $1"; }

# check_tree ROOT: the installed layout and a run of an installed scenario from a cwd
# outside the source tree, compared with the build tree's binary on the source file.
check_tree() {
  local root="$1"
  expect_file "$root/bin/leasesim"
  [[ -x "$root/bin/leasesim" ]] || fail "$root/bin/leasesim is not executable"
  if [[ "$viz" == viz ]]; then
    expect_file "$root/bin/leasesim-viz"
    expect_file "$root/libexec/leasesim/leasesim-view.so"
    # The installed `leasesim view` finds its module: with no display it gets as far as
    # the viewer's own "no display" error (exit 2), not "cannot load the viewer".
    local view_err
    view_err="$(env -u DISPLAY -u WAYLAND_DISPLAY "$root/bin/leasesim" view "$src/tests/data/traces/split-brain-sample.jsonl" 2>&1 >/dev/null)" && fail "installed view without a display exited 0"
    grep -q "no display to open a window on" <<<"$view_err" || fail "installed view did not load its module: $view_err"
  fi
  expect_file "$root/share/leasesim/scenarios/basics/crash-failover.json"
  expect_file "$root/share/leasesim/scenarios/split-brain/clock-drift.json"
  expect_file "$root/share/leasesim/docs/trace-format.md"
  expect_file "$root/share/leasesim/docs/sweeps/readme.json"
  expect_file "$root/share/doc/leasesim/README.md"
  expect_file "$root/share/bash-completion/completions/leasesim"
  expect_file "$root/share/man/man1/leasesim.1"
  local got want
  got="$(cd "$tmp" && "$root/bin/leasesim" run "$root/share/leasesim/scenarios/basics/crash-failover.json")" \
    || fail "installed leasesim run exited $?"
  want="$("$build/leasesim" run "$src/scenarios/basics/crash-failover.json")"
  [[ "$got" == "$want" ]] || fail "installed run differs from the build tree's:
--- installed
$got
--- build tree
$want"
  grep -q '^PASS$' <<<"$got" || fail "installed run did not pass"
  # The whole installed corpus passes, as check_scenarios does in the source tree.
  (cd "$tmp" && "$root/bin/leasesim" check "$root/share/leasesim/scenarios" -q) >"$tmp/check.txt" \
    || fail "installed leasesim check failed: $(cat "$tmp/check.txt")"
  grep -qE '^[0-9]+ scenarios: [0-9]+ passed, 0 failed$' "$tmp/check.txt" || fail "unexpected check summary: $(cat "$tmp/check.txt")"
}

case "$mode" in
  install)
    cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
    check_tree "$tmp/prefix"
    # DESTDIR staging, as distribution packaging does it.
    DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/leasesim >/dev/null
    check_tree "$tmp/stage/opt/leasesim"
    ;;
  deb)
    (cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/pkg") >"$tmp/cpack.txt" 2>&1 \
      || fail "cpack failed: $(cat "$tmp/cpack.txt")"
    deb="$(ls "$tmp"/pkg/*.deb)"
    [[ "$(basename "$deb")" =~ ^leasesim_[0-9.]+_[a-z0-9]+\.deb$ ]] || fail "unexpected package name $deb"
    [[ "$(dpkg-deb -f "$deb" Package)" == leasesim ]] || fail "Package field"
    dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "Depends lacks libc6: $(dpkg-deb -f "$deb" Depends)"
    dpkg-deb -c "$deb" >"$tmp/contents.txt"
    grep -q " ./usr/bin/leasesim$" "$tmp/contents.txt" || fail "the package has no /usr/bin/leasesim"
    dpkg-deb -x "$deb" "$tmp/root"
    check_tree "$tmp/root/usr"
    ;;
  *) fail "unknown mode $mode" ;;
esac
echo "ok: $mode"
