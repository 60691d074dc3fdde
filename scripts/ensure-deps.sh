#!/usr/bin/env bash
# Installs the Debian packages Vigil needs when they are missing (quiet and quick when present).
#   ensure-deps.sh runtime   native libraries the CLI loads (libvips, libjpeg-turbo's TurboJPEG,
#                            libsodium) and the ffmpeg program video is decoded with
#   ensure-deps.sh test      plus the tools the tests compare against (ImageMagick, djpeg) and
#                            PostgreSQL 15, whose programs the storage tests use to start a
#                            throwaway cluster of their own (the system service is left stopped),
#                            and Debian's chromium, which the reviewer UI's tests drive through
#                            Playwright (/usr/bin/chromium; Playwright never downloads a browser)
set -euo pipefail

packages=(libvips42 libturbojpeg0 libsodium23 libsqlite3-0 ffmpeg)
if [[ "${1:-runtime}" == "test" ]]; then
  packages+=(imagemagick libjpeg-turbo-progs postgresql curl chromium)
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
# policy-rc.d exit code 101 tells invoke-rc.d not to start services while installing (the tests
# start their own PostgreSQL cluster; a system one would only hold a port and memory).
policy=/usr/sbin/policy-rc.d
own_policy=""
if [[ " ${missing[*]} " == *" postgresql "* && ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && own_policy=1
fi
status=0
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
[[ -n $own_policy ]] && $sudo rm -f "$policy"
if [[ $status -ne 0 ]]; then
  echo "vigil: could not install ${missing[*]}; install them and try again" >&2
  exit 1
fi
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null; then
  # In case a service was started anyway (no policy-rc.d honoured): stop every cluster it started.
  $sudo pg_lsclusters -h 2>/dev/null | while read -r version cluster _; do
    $sudo pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true
  done
fi
