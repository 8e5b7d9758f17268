#!/usr/bin/env bash
# Writes an OCI image archive (for `ctr images import`) holding one static binary as its entrypoint.
# No registry, no podman: a layer tar, a config, a manifest, an index.
#   oci-image.sh BINARY NAME:TAG OUT.tar      (the binary becomes /pause, run as 65535:65535)
set -euo pipefail
bin="$1" name="$2" out="$3"
w="$(mktemp -d)"; trap 'rm -rf "$w"' EXIT
mkdir -p "$w/root" "$w/oci/blobs/sha256"
install -m 0755 "$bin" "$w/root/pause"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$w/root" -cf "$w/layer.tar" pause
diff_id="$(sha256sum "$w/layer.tar" | cut -d' ' -f1)"
gzip -n -c "$w/layer.tar" >"$w/layer.tgz"
layer="$(sha256sum "$w/layer.tgz" | cut -d' ' -f1)"; lsize="$(stat -c%s "$w/layer.tgz")"
mv "$w/layer.tgz" "$w/oci/blobs/sha256/$layer"
printf '{"architecture":"amd64","os":"linux","config":{"User":"65535:65535","Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"pause"}]}' "$diff_id" >"$w/config.json"
cfg="$(sha256sum "$w/config.json" | cut -d' ' -f1)"; csize="$(stat -c%s "$w/config.json")"
mv "$w/config.json" "$w/oci/blobs/sha256/$cfg"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$cfg" "$csize" "$layer" "$lsize" >"$w/manifest.json"
man="$(sha256sum "$w/manifest.json" | cut -d' ' -f1)"; msize="$(stat -c%s "$w/manifest.json")"
mv "$w/manifest.json" "$w/oci/blobs/sha256/$man"
printf '{"imageLayoutVersion":"1.0.0"}' >"$w/oci/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' "$man" "$msize" "$name" "${name##*:}" >"$w/oci/index.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$w/oci" -cf "$out" .
