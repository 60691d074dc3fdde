#!/usr/bin/env bash
# Assembles the two benign photo sets docs/quality.md measures `vigil bench quality` on, from Debian
# packages (wallpapers and scikit-image's sample data) and the repository's own PDQ fixtures:
#   OUT/tune: what robust matching was tuned on (fixture photos, scikit-image photos, Plasma wallpapers);
#   OUT/eval: a held-out set it never saw while tuning (MATE, Lomiri and UKUI wallpapers).
# Usage: scripts/quality-sets.sh OUT   (needs apt-get download access to a Debian mirror; about 300 MB)
set -euo pipefail
out=${1:?usage: scripts/quality-sets.sh OUT}
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$here/../shared/fixtures/threatexchange/pdq/data/reg-test-input"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/tune" "$out/eval"

(cd "$work" && apt-get download -q plasma-workspace-wallpapers python3-skimage mate-backgrounds lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers >/dev/null)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
root="$work/root"

# Tuning set.
cp "$fixtures/dih/bridge-1-original.jpg" "$out/tune/bridge.jpg"
cp "$fixtures/pen-and-coaster.png" "$out/tune/pen-and-coaster.png"
for f in "$fixtures"/labelme-subset/*.jpg; do cp "$f" "$out/tune/labelme-$(basename "$f")"; done
for name in astronaut.png coffee.png chelsea.png rocket.jpg motorcycle_left.png hubble_deep_field.jpg retina.jpg camera.png coins.png moon.png grass.png gravel.png brick.png ihc.png; do
  cp "$root/usr/lib/python3/dist-packages/skimage/data/$name" "$out/tune/skimage-$name"
done
for dir in "$root"/usr/share/wallpapers/*/; do
  name=$(basename "$dir")
  # One size per wallpaper: 1920 wide where there is one, else the first listed.
  file=$(ls "$dir/contents/images/" | grep -E '^1920x' | head -1 || true)
  [ -n "$file" ] || file=$(ls "$dir/contents/images/" | head -1)
  cp "$dir/contents/images/$file" "$out/tune/plasma-$name.${file##*.}"
done

# Held-out evaluation set.
for f in "$root"/usr/share/backgrounds/mate/nature/*.jpg "$root"/usr/share/backgrounds/mate/abstract/*.{jpg,png}; do
  [ -f "$f" ] && cp "$f" "$out/eval/mate-$(basename "$f")"
done
for f in "$root"/usr/share/backgrounds/*.{jpg,png}; do
  [ -f "$f" ] && cp "$f" "$out/eval/wallpaper-$(basename "$f")"
done
# The Elephants wallpaper ships at three sizes: keep one.
rm -f "$out"/eval/mate-Elephants_3840x2160.jpg "$out"/eval/mate-Elephants_5640x3172.jpg
echo "tune: $(ls "$out/tune" | wc -l) images; eval: $(ls "$out/eval" | wc -l) images (in $out)"
