#!/usr/bin/env bash
# Builds the project's one image from the Dockerfile with podman or docker
# (tools/image/ensure-engine.sh), tagged IMAGE (default meetup-analytics:dev) and
# <repository>:<package.json version>, after making sure its base images are there
# (tools/image/base-images.sh: pulled, loaded from the cache or assembled).
#   Labels: org.opencontainers.image.{source,version,revision,created,…}; revision is the git
#   commit (with -dirty when the build inputs differ from it), created the time of the last commit
#   that changed a build input (also every file's timestamp: the same inputs give the same layers).
#   SBOM: CycloneDX of the production dependencies (npm sbom), in the image at /app/sbom.cdx.json
#   and written beside the build output: dist/image/sbom.cdx.json.
#   Nothing to do when the image's labels already name these inputs (a hash of the Dockerfile,
#   manifests, lock and sources the build copies, and the base images) and this revision;
#   MEETUP_IMAGE_REBUILD=1 builds anyway.
# Prints the image's size and the time taken.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
started=$SECONDS
cd "$repo"

image="${IMAGE:-meetup-analytics:dev}"
version="$(sed -nE 's/^  "version": "([^"]+)".*/\1/p' package.json | head -n1)"
versioned="${image%:*}:$version"
artifacts="$repo/dist/image"

froms="$(dockerfile_bases | tr '\n' ' ')"
[[ "$froms" == *"node:$NODE_VERSION-"* ]] || {
  log "the Dockerfile's FROM lines ($froms) do not use Node $NODE_VERSION, the version tools/node/ensure-node.sh pins"
  exit 1
}

# What the build context gives the Dockerfile (kept in step with .dockerignore by hand).
input_paths=(Dockerfile .dockerignore package.json package-lock.json .swcrc tsconfig.base.json tools/build.sh
  tools/image/clean-modules.globs tools/image/sbom.mjs apps libs)
inputs_hash() {
  {
    git ls-files -co --exclude-standard -- "${input_paths[@]}" |
      grep -vE '(^|/)(test|bench|node_modules|dist)/|\.spec\.ts$|^libs/(test-support|fixtures)/[^/]+/' |
      LC_ALL=C sort | while read -r f; do [[ -f "$f" ]] && sha256sum "$f"; done
    for base in $froms; do
      "$engine" image inspect --format '{{.Id}}' "$(qualified "$base")" 2>/dev/null || echo "$base"
    done
  } | sha256sum | cut -c1-16
}

label_of() { # image label
  "$engine" image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

"$image_dir/base-images.sh" >/dev/null
inputs="$(inputs_hash)"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ "$revision" != unknown ]] && { ! git diff --quiet HEAD -- "${input_paths[@]}" ||
  [[ -n "$(git ls-files -o --exclude-standard -- "${input_paths[@]}")" ]]; }; then
  revision+="-dirty"
fi
if [[ "${MEETUP_IMAGE_REBUILD:-0}" != 1 && "$(label_of "$image" org.meetup-analytics.image.inputs)" == "$inputs" &&
  "$(label_of "$image" org.opencontainers.image.revision)" == "$revision" ]] &&
  image_exists "$versioned" && [[ -f "$artifacts/sbom.cdx.json" ]]; then
  log "$image is up to date (inputs $inputs, revision $revision)"
else
  # The time of the last commit that changed an input: a commit elsewhere in the repository
  # changes the revision label only, not a layer.
  epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct -- "${input_paths[@]}" 2>/dev/null || true)}"
  epoch="${epoch:-0}"
  created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
  args=(--build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "CREATED=$created"
    --build-arg "INPUTS=$inputs" -t "$image" -t "$versioned" -f Dockerfile)
  # npm inside the build trusts what npm here trusts (a registry behind a company CA).
  node_bin="$("$repo/tools/node/ensure-node.sh")"
  cafile="$(PATH="${node_bin:+$node_bin:}$PATH" npm config get cafile 2>/dev/null || true)"
  [[ -f "$cafile" ]] || cafile="${NODE_EXTRA_CA_CERTS:-}"
  [[ -f "$cafile" ]] && args+=(--secret "id=npm_cafile,src=$cafile")
  log "building $image ($versioned, revision $revision) with $engine"
  if [[ "$engine" == podman ]]; then
    # Host network: npm ci reaches the registry as this machine does (no bridge network needed).
    podman build --pull=never --network=host --layers --timestamp "$epoch" "${args[@]}" . >&2
  else
    DOCKER_BUILDKIT=1 docker build --build-arg "SOURCE_DATE_EPOCH=$epoch" "${args[@]}" . >&2
  fi
  mkdir -p "$artifacts"
  container="$("$engine" create "$image")"
  "$engine" cp "$container:/app/sbom.cdx.json" "$artifacts/sbom.cdx.json"
  "$engine" rm "$container" >/dev/null
fi

size="$("$engine" image inspect --format '{{.Size}}' "$image")"
log "$image: $((size / 1000000)) MB ($engine), SBOM $artifacts/sbom.cdx.json, $((SECONDS - started)) s"
echo "$image"
