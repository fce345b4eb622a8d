# The twophase image: one image, every process (`coordinator`, `participant blob`,
# `participant metadata`, `gateway`), chosen by the command. See docker-compose.yml.
#
#   docker build -t twophase .
#   docker run --rm twophase --help
#
# Not in the image: the embedded PostgreSQL binaries (optional dependencies of
# `embedded-postgres`), so `twophase dev` and `twophase postgres` do not run here; a
# deployment uses a real PostgreSQL with max_prepared_transactions > 0.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript to dist/ -----------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: our own `prepare` would build before the sources are copied, and no
# dependency's install script is needed to compile (they fetch esbuild's and PostgreSQL's
# binaries, which tsc does not use). The image's npm (10) predates package.json's
# `allowScripts` and would run every install script; this flag runs none.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production node_modules only -----------------------------------------------
# From the lockfile alone, so this layer is rebuilt only when dependencies change.
# --omit=optional drops the ~60 MB embedded PostgreSQL binaries and pg-cloudflare,
# neither of which a server loads.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# --- runtime ----------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json says "type": "module", without which Node cannot load dist/ (ES modules)
COPY package.json ./
COPY bin/ ./bin/
# proto-loader reads the .proto files at run time, two levels up from dist/proto/
COPY proto/twophase/ ./proto/twophase/
COPY --from=deps /app/node_modules/ ./node_modules/
COPY --from=build /app/dist/ ./dist/
# The data directories exist, owned by the runtime user, so that a fresh named volume
# mounted on them takes that ownership: the processes run as `node`, never as root.
RUN mkdir -p /var/lib/twophase/coordinator /var/lib/twophase/blob \
  && chown -R node:node /var/lib/twophase
USER node
# coordinator, blob participant, metadata participant (gRPC); gateway (HTTP)
EXPOSE 7070 7071 7072 8080
ENTRYPOINT ["node", "bin/twophase.js"]
CMD ["--help"]
