#!/usr/bin/env bash
# Installs the Debian packages Vigil needs when they are missing (quiet and quick when present).
#   ensure-deps.sh runtime   native libraries the CLI loads (libvips, libjpeg-turbo's TurboJPEG)
#   ensure-deps.sh test      plus the tools the tests compare against (ImageMagick, djpeg)
set -euo pipefail

packages=(libvips42 libturbojpeg0)
if [[ "${1:-runtime}" == "test" ]]; then
  packages+=(imagemagick libjpeg-turbo-progs)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    sudo="sudo"
  else
    echo "vigil: missing packages ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "vigil: installing ${missing[*]} (apt-get)..." >&2
$sudo apt-get update -qq >&2 || echo "vigil: apt-get update failed; trying the install anyway" >&2
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; then
  echo "vigil: could not install ${missing[*]}; install them and try again" >&2
  exit 1
fi
