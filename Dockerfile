# syntax=docker/dockerfile:1
# ecs-switchboard controller image.
#   docker build -t ecs-switchboard .
#   docker run --rm -p 8080:8080 -e AWS_REGION=us-east-1 ecs-switchboard run --source s3://my-bucket/manifests/
# test/deploy/dockerfile.test.ts keeps the facts below true (non-root, healthcheck, entrypoint, prod-only deps).

# ---- build: full install (dev dependencies included), compile src/ to dist/ ----
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.page.json ./
COPY scripts/build.mjs scripts/
COPY src/ src/
RUN npm run build

# ---- runtime: production dependencies only, the compiled output and the schemas ----
FROM node:22-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM from ECS to node and reaps zombies, so the controller's
# graceful shutdown runs within the task's stopTimeout. `docker run --init` does not exist in ECS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    SWITCHBOARD_LISTEN=0.0.0.0:8080
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /src/dist/ dist/
COPY schemas/ schemas/
# The package's bin, as `npm install -g` would link it (tsc does not set the executable bit).
RUN chmod 0755 dist/main.js \
 && ln -s /app/dist/main.js /usr/local/bin/switchboard
# A young generation of 8 MB instead of 16 (src/cli/heap.ts DAEMON_NODE_OPTIONS): about 20 MiB less
# resident memory at 1,000 services for about 5-10% more CPU per pass.
ENV NODE_OPTIONS=--max-semi-space-size=8
# The image's unprivileged `node` user (uid 1000); the files above stay root-owned and read-only to it.
USER node
EXPOSE 8080
# Docker's own health check; ECS ignores it and uses the task definition's healthCheck (same command).
# Slim images have no curl: node's fetch does the probe. Keep the port in step with SWITCHBOARD_LISTEN.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "switchboard"]
CMD ["run"]
