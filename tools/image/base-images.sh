#!/usr/bin/env bash
# Makes sure the base images the Dockerfile's FROM lines name are in the container engine's
# store, under exactly those names, so one Dockerfile builds with or without a registry:
#   1. present already → nothing to do;
#   2. a registry answers (and MEETUP_IMAGE_OFFLINE is not 1) → pulled;
#   3. otherwise assembled here from pinned inputs (tools/image/versions.env):
#      - node:<NODE_VERSION>-bookworm-slim: Debian minbase (debootstrap from the machine's apt
#        mirror) + Node from the npm registry package node-linux-<arch> + npm from the npm
#        package npm, laid out as the official image has them (/usr/local/bin/node, npm, npx);
#      - gcr.io/distroless/cc-debian12:nonroot: as distroless makes it, Debian packages
#        (DISTROLESS_PACKAGES) unpacked with dpkg-deb into an empty root, plus the CA bundle,
#        /etc/passwd and /etc/group with root, nobody and nonroot (65532), /tmp; no shell.
#      The result is saved as a tarball under MEETUP_IMAGE_CACHE (default
#      ~/.cache/meetup-analytics/image), named by its inputs, with a manifest of the Debian
#      package and npm versions beside it; a new clone on this machine loads it (seconds)
#      instead of assembling again (~4 min). Assembling needs root (debootstrap, ownership).
# Usage: tools/image/base-images.sh     (prints the base image names, one a line)
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

export PATH="$PATH:/usr/sbin:/sbin"
node_bin="$("$repo/tools/node/ensure-node.sh")"
[[ -n "$node_bin" ]] && export PATH="$node_bin:$PATH"

case "$(uname -m)" in
  x86_64) node_arch=x64 deb_arch=amd64 ;;
  aarch64 | arm64) node_arch=arm64 deb_arch=arm64 ;;
  *) log "no recipe for $(uname -m) base images"; exit 1 ;;
esac
declare -A debian_number=([bookworm]=12 [trixie]=13)
quiet=()
[[ "$engine" == podman ]] && quiet=(--quiet)
path_env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The first URI the machine's apt sources give for a suite (deb822 .sources and one-line .list).
apt_uri() { # suite
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  [[ ${#files[@]} -gt 0 ]] || return 0
  awk -v want="$1" '
    function flush(   n, i, s, u) {
      n = split(suites, s, " ")
      for (i = 1; i <= n; i++) if (s[i] == want && uris != "") { split(uris, u, " "); print u[1]; found = 1; exit }
      uris = ""; suites = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[[:space:]]*$/) flush()
      else if ($1 == "URIs:") { $1 = ""; uris = $0 }
      else if ($1 == "Suites:") { $1 = ""; suites = $0 }
      next
    }
    $1 == "deb" { sub(/\[[^]]*\]/, ""); if ($3 == want) { print $2; found = 1; exit } }
    END { if (!found) flush() }
  ' "${files[@]}" | head -n1
}
mirror="${DEBIAN_MIRROR:-$(apt_uri "$DEBIAN_SUITE")}"
mirror="${mirror:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-$(apt_uri "$DEBIAN_SUITE-security")}"
security_mirror="${security_mirror:-http://deb.debian.org/debian-security}"

registry_answers() { # image name, qualified
  [[ "${MEETUP_IMAGE_OFFLINE:-0}" != 1 ]] || return 1
  local host="${1%%/*}"
  [[ "$host" == docker.io ]] && host=registry-1.docker.io
  # Any HTTP answer (401 included) means a registry is there.
  curl --silent --output /dev/null --max-time 3 "https://$host/v2/"
}

need() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ "${MEETUP_NO_SYSTEM_INSTALL:-0}" != 1 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing $2 with apt-get (needed to assemble a base image)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
    command -v "$1" >/dev/null 2>&1 && return 0
  fi
  log "$1 is needed to assemble a base image without a registry: install $2 (apt-get install $2)"
  exit 1
}

work=""
cleanup() {
  [[ -n "$work" && -d "$work" ]] || return 0
  local m
  for m in proc sys dev/pts dev; do mountpoint -q "$work/root/$m" 2>/dev/null && umount -l "$work/root/$m"; done
  rm -rf "$work"
}
trap cleanup EXIT

new_work() {
  cleanup
  mkdir -p "$IMAGE_CACHE"
  work="$(mktemp -d "$IMAGE_CACHE/work.XXXXXX")"
  mkdir -p "$work/root" "$work/dl"
}

# Keeps the copyright files, drops documentation, manuals and translations.
strip_docs() { # root
  rm -rf "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/usr/share/lintian
  if [[ -d "$1/usr/share/doc" ]]; then
    find "$1/usr/share/doc" -type f ! -name copyright -delete
    find "$1/usr/share/doc" -depth -type d -empty -delete
  fi
}

npm_package() { # name@version dir → unpacks the registry package into dir/package, prints its integrity
  local file
  # npm pack checks the tarball against the integrity the registry states.
  file="$(cd "$work/dl" && npm pack --silent "$1" | tail -n1)"
  mkdir -p "$2"
  tar -xzf "$work/dl/$file" -C "$2"
  node -e 'const { createHash } = require("node:crypto");
    const data = require("node:fs").readFileSync(process.argv[1]);
    console.log(`sha512-${createHash("sha512").update(data).digest("base64")}`);' "$work/dl/$file"
}

import_root() { # name change...
  local name="$1"
  shift
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  tar --numeric-owner --sort=name --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -C "$work/root" -cf - . |
    "$engine" import "${quiet[@]}" "${changes[@]}" --message "assembled by tools/image/base-images.sh" - "$name" >/dev/null
}

assemble_node() { # qualified name
  need debootstrap debootstrap
  local root="$work/root" started=$SECONDS node_integrity npm_integrity
  log "assembling $1: debootstrap --variant=minbase $DEBIAN_SUITE from $mirror (a few minutes)"
  if ! debootstrap --variant=minbase --arch="$deb_arch" "$DEBIAN_SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    log "debootstrap failed (log above)"
    exit 1
  fi
  # As the official slim images: later apt-get installs leave out docs, manuals, translations.
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    >"$root/etc/dpkg/dpkg.cfg.d/docker"
  strip_docs "$root"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old
  find "$root/var/log" -type f -delete
  rm -f "$root/etc/resolv.conf" "$root/etc/hostname" "$root/etc/machine-id"

  log "adding Node $NODE_VERSION (npm package node-linux-$node_arch) and npm $NPM_VERSION"
  node_integrity="$(npm_package "node-linux-$node_arch@$NODE_VERSION" "$work/node")"
  install -D -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  npm_integrity="$(npm_package "npm@$NPM_VERSION" "$work/npm")"
  mkdir -p "$root/usr/local/lib/node_modules"
  mv "$work/npm/package" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

  {
    echo "image: $1"
    echo "debian: $DEBIAN_SUITE minbase from $mirror"
    echo "node-linux-$node_arch@$NODE_VERSION $node_integrity"
    echo "npm@$NPM_VERSION $npm_integrity"
    echo "packages:"
    dpkg-query --admindir="$root/var/lib/dpkg" -W -f '  ${Package} ${Version}\n'
  } >"$work/manifest.txt"
  import_root "$1" "ENV $path_env" "ENV NODE_VERSION=$NODE_VERSION" 'CMD ["node"]'
  "$engine" run --rm --network=none "$1" sh -c 'node --version && npm --version' >&2
  log "assembled $1 in $((SECONDS - started)) s"
}

assemble_distroless() { # qualified name
  need dpkg-deb dpkg
  need apt-get apt
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg root="$work/root" apt="$work/apt" started=$SECONDS
  [[ -f "$keyring" ]] || { log "$keyring is needed to verify Debian packages: install debian-archive-keyring"; exit 1; }
  log "assembling $1: $DISTROLESS_PACKAGES from Debian $DEBIAN_SUITE"
  # A private apt state: the packages of $DEBIAN_SUITE whatever the machine runs, its own apt
  # configuration and installed packages left alone.
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$work/debs"
  : >"$apt/status"
  {
    echo "deb [signed-by=$keyring] $mirror $DEBIAN_SUITE main"
    echo "deb [signed-by=$keyring] $mirror $DEBIAN_SUITE-updates main"
    echo "deb [signed-by=$keyring] $security_mirror $DEBIAN_SUITE-security main"
  } >"$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts"
    -o "Dir::Etc::PreferencesParts=$apt/parts" -o "Dir::State::Lists=$apt/lists"
    -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache" -o "APT::Architecture=$deb_arch"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
  apt-get "${opts[@]}" -qq update >&2
  # shellcheck disable=SC2086 # the list is words
  (cd "$work/debs" && apt-get "${opts[@]}" -qq download $DISTROLESS_PACKAGES >&2)

  mkdir -p "$root/var/lib/dpkg/status.d"
  local deb pkg
  for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$root"
    pkg="$(dpkg-deb -f "$deb" Package)"
    # What distroless records, so scanners know the packages: each package's control fields.
    dpkg-deb -f "$deb" >"$root/var/lib/dpkg/status.d/$pkg"
  done
  strip_docs "$root"
  # No shell to run it; the bundle is made below.
  rm -rf "$root/usr/share/gcc" "$root/usr/share/gdb" "$root/usr/sbin/update-ca-certificates"

  # The CA bundle update-ca-certificates would write (no maintainer scripts run here).
  mkdir -p "$root/etc/ssl/certs"
  find "$root/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z |
    xargs -0 cat >"$root/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
    'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' >"$root/etc/group"
  printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"$root/etc/nsswitch.conf"
  install -d -m 1777 "$root/tmp"
  install -d -m 0700 "$root/root"
  install -d -m 0700 -o 65532 -g 65532 "$root/home/nonroot"

  {
    echo "image: $1"
    echo "debian: $DEBIAN_SUITE from $mirror and $security_mirror"
    echo "packages:"
    for deb in "$work"/debs/*.deb; do dpkg-deb -f "$deb" Package Version | paste -sd' ' | sed 's/^Package: /  /; s/ Version://'; done
  } >"$work/manifest.txt"
  import_root "$1" "ENV $path_env" \
    "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" 'USER 65532' 'WORKDIR /home/nonroot'
  # No shell inside: the project's Node binary, mounted, proves glibc and libstdc++ suffice.
  "$engine" run --rm --network=none -v "$(command -v node):/probe/node:ro" "$1" /probe/node --version >&2
  log "assembled $1 in $((SECONDS - started)) s"
}

ensure_base() { # name as the Dockerfile writes it
  local name kind tar manifest key
  name="$(qualified "$1")"
  if image_exists "$name"; then
    echo "$name"
    return 0
  fi
  if registry_answers "$name"; then
    log "pulling $name"
    if "$engine" pull "$name" >&2; then
      echo "$name"
      return 0
    fi
    log "pulling $name failed: assembling it here"
  fi
  case "$name" in
    "docker.io/library/node:$NODE_VERSION-$DEBIAN_SUITE-slim") kind=node ;;
    docker.io/library/node:*)
      log "the Dockerfile builds on $1, but tools/node/ensure-node.sh pins Node $NODE_VERSION and versions.env Debian $DEBIAN_SUITE: make them agree"
      exit 1
      ;;
    "gcr.io/distroless/cc-debian${debian_number[$DEBIAN_SUITE]:-?}:nonroot") kind=distroless ;;
    *) log "no registry answers and there is no recipe to assemble $name"; exit 1 ;;
  esac
  # Named by every input: a changed version, package list or recipe assembles anew.
  key="$(
    {
      echo "$name $deb_arch $DEBIAN_SUITE $NODE_VERSION $NPM_VERSION $DISTROLESS_PACKAGES"
      declare -f "assemble_$kind" strip_docs npm_package import_root
    } | sha256sum | cut -c1-16
  )"
  tar="$IMAGE_CACHE/$kind-$key.tar"
  manifest="$IMAGE_CACHE/$kind-$key.manifest.txt"
  if [[ -f "$tar" ]]; then
    log "loading $name from $tar"
    "$engine" load "${quiet[@]}" -i "$tar" >&2
  else
    [[ "$(id -u)" == 0 ]] || {
      log "no registry answers, so $name is assembled here, which needs root (debootstrap, file ownership): run as root, or load $tar made elsewhere"
      exit 1
    }
    new_work
    "assemble_$kind" "$name"
    "$engine" save "${quiet[@]}" -o "$work/image.tar" "$name"
    mv "$work/manifest.txt" "$manifest"
    mv "$work/image.tar" "$tar"
    cleanup
    log "cached $name as $tar ($(du -h "$tar" | cut -f1)); versions in $manifest"
  fi
  image_exists "$name" || { log "$tar did not give $name"; exit 1; }
  echo "$name"
}

mapfile -t bases < <(dockerfile_bases)
for base in "${bases[@]}"; do ensure_base "$base"; done
