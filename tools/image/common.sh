# Sourced by tools/image/*.sh (bash): the repository, the container engine and its settings,
# the pinned versions and the cache of assembled base images.
# shellcheck shell=bash

image_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$image_dir/../.." && pwd)"
# shellcheck source=versions.env
source "$image_dir/versions.env"
NODE_VERSION="$(sed -n 's/^pinned=//p' "$repo/tools/node/ensure-node.sh")"
IMAGE_CACHE="${MEETUP_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meetup-analytics/image}"

log() { printf '[image] %s\n' "$*" >&2; }

engine="$("$image_dir/ensure-engine.sh")"
if [[ "$engine" == podman ]]; then
  # The machine's /etc/containers is left alone: podman reads this file instead (runc, ulimits
  # this machine allows). A CONTAINERS_CONF of your own wins.
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$image_dir/containers.conf}"
fi

image_exists() { # name
  if [[ "$engine" == podman ]]; then
    podman image exists "$1"
  else
    docker image inspect "$1" >/dev/null 2>&1
  fi
}

# The name Docker and podman give a short name: node:24 → docker.io/library/node:24.
qualified() { # name
  local first="${1%%/*}"
  if [[ "$1" != */* ]]; then
    echo "docker.io/library/$1"
  elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then
    echo "$1"
  else
    echo "docker.io/$1"
  fi
}

# The images the Dockerfile's FROM lines name (stages excluded), in order.
dockerfile_bases() {
  local stages
  stages="$(sed -nE 's/^FROM[[:space:]]+[^[:space:]]+[[:space:]]+AS[[:space:]]+([^[:space:]]+).*/\1/Ip' "$repo/Dockerfile")"
  sed -nE 's/^FROM[[:space:]]+(--[^[:space:]]+[[:space:]]+)*([^[:space:]]+).*/\2/Ip' "$repo/Dockerfile" |
    while read -r name; do grep -qxF "$name" <<<"$stages" || echo "$name"; done
}
