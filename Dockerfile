# One image for every app: `docker build -t meetup-analytics:dev .`; the container's
# arguments pick the app (`apps/<app>/dist/main.js`, the same build output the tests run).
# The apps resolve @meetup/* through the npm workspace symlinks node_modules/@meetup/* → libs/*/.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY apps apps
COPY libs libs
COPY tools/build.sh tools/build.sh
COPY .swcrc ./
RUN npm ci --no-audit --no-fund \
 && tools/build.sh \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf apps/*/src apps/*/test apps/*/bench libs/*/src libs/*/test libs/*/bench

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=0:0 /src/package.json ./
COPY --from=build --chown=0:0 /src/node_modules node_modules
COPY --from=build --chown=0:0 /src/libs libs
COPY --from=build --chown=0:0 /src/apps apps
# Non-root, read-only friendly: nothing is written outside /tmp.
USER 10001:10001
ENTRYPOINT ["node"]
CMD ["apps/simulator/dist/main.js"]
