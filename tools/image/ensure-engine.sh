#!/usr/bin/env bash
# Prints the container engine the image scripts use: `docker` when a Docker daemon answers,
# else `podman`. IMAGE_ENGINE=podman|docker chooses one. When neither is there and this runs as
# root with apt-get (and MEETUP_NO_SYSTEM_INSTALL is not 1), installs podman, buildah and runc
# with apt-get; otherwise says what to install and exits non-zero.
set -euo pipefail

log() { printf '[image] %s\n' "$*" >&2; }

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

case "${IMAGE_ENGINE:-}" in
  podman)
    command -v podman >/dev/null 2>&1 || { log "IMAGE_ENGINE=podman but podman is not on PATH (install podman, buildah and runc: apt-get install podman buildah runc)"; exit 1; }
    echo podman
    exit 0
    ;;
  docker)
    docker_answers || { log "IMAGE_ENGINE=docker but no Docker daemon answers (\`docker info\` fails)"; exit 1; }
    echo docker
    exit 0
    ;;
  '') ;;
  *) log "IMAGE_ENGINE must be podman or docker, not '${IMAGE_ENGINE}'"; exit 1 ;;
esac

if docker_answers; then
  echo docker
  exit 0
fi
if command -v podman >/dev/null 2>&1; then
  echo podman
  exit 0
fi

if [[ "${MEETUP_NO_SYSTEM_INSTALL:-0}" != 1 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  log "no container engine: installing podman, buildah and runc with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends podman buildah runc >&2
  command -v podman >/dev/null 2>&1 || { log "apt-get installed podman, yet it is not on PATH"; exit 1; }
  echo podman
  exit 0
fi

log "no container engine found: neither a Docker daemon that answers nor podman."
log "Install podman (4.3 or newer) with buildah and runc, e.g. \`sudo apt-get install podman buildah runc\`"
log "on Debian/Ubuntu, or start Docker; IMAGE_ENGINE=podman|docker chooses one."
exit 1
