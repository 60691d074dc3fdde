#!/usr/bin/env bash
# Letterboxed and pillarboxed copies of fixture videos, matched plain and with --robust against a bank of the
# originals (docs/quality.md, "Video"). Usage: scripts/video-bars-study.sh [OUT_DIR] (default: a temp directory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
videos="${VIGIL_FIXTURES:-/work/shared/fixtures}/threatexchange/tmk/sample-videos"
out="${1:-$(mktemp -d)}"
mkdir -p "$out/copies"
vigil() { "$here/vigil" --db "$out/vigil.db" "$@"; }
originals=(doorknob-hd-no-bar pattern-hd-no-bar pattern-longer-no-bar test-padded-dimensions)

# Copies: the picture scaled to 75% of the height (letterbox) or width (pillarbox) and padded back to the
# original size with black, or near-black (16,16,16), bars; H.264 at CRF 23.
for name in "${originals[@]}"; do
  in="$videos/$name.mp4"
  for kind in letterbox pillarbox letterbox-nearblack pillarbox-nearblack; do
    colour=black; [[ $kind == *nearblack ]] && colour=0x101010
    case $kind in
      letterbox*) filter="scale=iw:trunc(ih*3/8)*2,setsar=1,pad=iw:trunc(ih*4/3/2)*2:0:(oh-ih)/2:$colour" ;;
      pillarbox*) filter="scale=trunc(iw*3/8)*2:ih,setsar=1,pad=trunc(iw*4/3/2)*2:ih:(ow-iw)/2:0:$colour" ;;
    esac
    ffmpeg -hide_banner -nostdin -v error -y -i "$in" -vf "$filter" -c:v libx264 -crf 23 -pix_fmt yuv420p -an "$out/copies/$name-$kind.mp4"
  done
done

rm -f "$out/vigil.db"
vigil bank create ORIGINALS >/dev/null
for name in "${originals[@]}"; do vigil bank add ORIGINALS "$videos/$name.mp4" >/dev/null; done

# Matched share and each copy's query%: plain, then robust.
for mode in plain robust; do
  flags=(); [[ $mode == robust ]] && flags=(--robust)
  vigil match "${flags[@]}" -f json "$out/copies/"*.mp4 "$videos"/{pattern-sd-grey-bar,pattern-sd-with-small-logo-bar,pattern-sd-with-large-logo-bar}.mp4 > "$out/$mode.jsonl"
  python3 - "$out/$mode.jsonl" "$mode" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
matched = [r for r in rows if r["status"] == "matched"]
print(f"{sys.argv[2]}: {len(matched)}/{len(rows)} matched")
for r in rows:
    best = max((m["query_percent"] for m in r["matches"]), default=0.0)
    variant = next((m.get("variant") for m in r["matches"] if m.get("variant")), "")
    print(f"  {r['query'].rsplit('/', 1)[-1]:45} {r['status']:9} query {best:5.1f}% {variant}")
PY
done

# Wall time of one vigil match per copy, plain and robust (best of 3 runs over all the copies).
for mode in plain robust; do
  flags=(); [[ $mode == robust ]] && flags=(--robust)
  best=999
  for run in 1 2 3; do
    start=$(date +%s.%N)
    vigil match "${flags[@]}" "$out/copies/"*.mp4 > /dev/null
    took=$(echo "$(date +%s.%N) - $start" | bc)
    best=$(echo "if ($took < $best) $took else $best" | bc)
  done
  echo "$mode: $(ls "$out/copies/"*.mp4 | wc -l) copies in ${best} s (best of 3)"
done
