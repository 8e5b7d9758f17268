# One image for every app; the container's arguments pick the app (`apps/<app>/dist/main.js`,
# the same build output the tests run). `make image` builds it with podman or Docker
# (tools/image/build.sh: labels, SBOM, the base images where no registry answers); a plain
# `docker build -t meetup-analytics:dev .` works too.
#
# build:   Node on Debian slim — npm ci, SWC build and the console's page bundle (esbuild, with
#          echarts and the world map: devDependencies, so none of them reaches the runtime),
#          production dependencies only, trimmed of what does not run (type declarations, source
#          maps, docs, tests, the page's sources), the SBOM of that.
# runtime: distroless cc (glibc, libstdc++, CA certificates; no shell, no package manager, no
#          compiler) + the node binary of the build stage + the apps. Non-root, nothing written
#          outside /tmp, so it runs with a read-only root filesystem.
# The apps resolve @meetup/* through the npm workspace symlinks node_modules/@meetup/* → libs/*/.

# Node's version is the one tools/node/ensure-node.sh pins.
FROM node:24.21.0-bookworm-slim AS build-base

# The workspace manifests alone (apps/*/package.json, libs/*/package.json): the dependency layer
# below is rebuilt only when they or the lock change, not when code does.
FROM build-base AS manifests
WORKDIR /src
COPY apps apps
COPY libs libs
RUN find apps libs -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

FROM build-base AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /src
COPY --from=manifests /src ./
COPY package.json package-lock.json ./
# The npm registry's certificate may be signed by a CA only the build machine trusts:
# tools/image/build.sh passes that machine's npm cafile as a build secret (this RUN only).
RUN --mount=type=secret,id=npm_cafile \
    if [ -s /run/secrets/npm_cafile ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_cafile; fi \
 && npm ci --no-audit --no-fund --loglevel=warn
COPY .swcrc tsconfig.base.json ./
COPY tools/build.sh tools/build.sh
COPY tools/image/clean-modules.globs tools/image/sbom.mjs tools/image/
COPY libs libs
COPY apps apps
# Build, keep production dependencies only (trimmed), then the SBOM of exactly that tree. The
# console serves its page from apps/console/dist/public (bundled by tools/build.sh): an image
# without it would start and serve nothing, so its absence fails the build here.
RUN tools/build.sh \
 && test -s apps/console/dist/public/index.html \
 && node_modules/.bin/clean-modules --yes --silent --fail-on-error --glob-file tools/image/clean-modules.globs \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
 && npm pkg delete devDependencies \
 && rm -rf libs/test-support libs/fixtures node_modules/@meetup/test-support node_modules/@meetup/fixtures \
 && node tools/image/sbom.mjs >sbom.cdx.json \
 && rm -rf node_modules/world-countries/data node_modules/world-countries/dist \
 && rm -rf apps/*/src libs/*/src apps/console/web apps/console/build-web.mjs \
 && find apps libs -name '*.map' -delete

FROM gcr.io/distroless/cc-debian12:nonroot
ENV NODE_ENV=production
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /src/package.json /src/sbom.cdx.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/libs libs
COPY --from=build /src/apps apps
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/node"]
CMD ["apps/simulator/dist/main.js"]

# Last, so a new commit only changes the image's configuration, not its layers.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=
ARG SOURCE=https://github.com/meetup-analytics/meetup-analytics
ARG INPUTS=
LABEL org.opencontainers.image.title="meetup-analytics" \
      org.opencontainers.image.description="Real-time and batch analytics of Meetup RSVP streams: every app; the arguments choose apps/<app>/dist/main.js" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot" \
      org.meetup-analytics.image.inputs="${INPUTS}"
