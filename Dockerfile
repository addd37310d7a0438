# syntax=docker/dockerfile:1
# One image for every Mission Graph service; the first argument picks the service:
#   docker build -t mission-graph .
#   docker run mission-graph gateway        (or operations, police-cooperation, forensics,
#                                            specialist-chambers, audit, audit-verify)
# Production settings are the default (NODE_ENV=production): the services refuse to
# start without their keys and DATABASE_URL. See docs/deploying.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: the whole workspace, compiled, then one pruned install per service ----
FROM ${NODE_IMAGE} AS build
ENV CI=true
RUN npm install -g pnpm@12.4.2
WORKDIR /workspace
# Manifests first: the dependency layer is cached until a manifest or the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/service-kit/package.json packages/service-kit/
COPY gateway/package.json gateway/
COPY subgraphs/operations/package.json subgraphs/operations/
COPY subgraphs/police-cooperation/package.json subgraphs/police-cooperation/
COPY subgraphs/forensics/package.json subgraphs/forensics/
COPY subgraphs/specialist-chambers/package.json subgraphs/specialist-chambers/
COPY subgraphs/audit/package.json subgraphs/audit/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build
# `pnpm deploy --prod`: each service with its production dependencies only (no
# TypeScript, tsx, vitest, drizzle-kit) and the kit injected as compiled files. Beside
# them: the supergraphs, and the client registry with the trusted-document manifests it
# names (reviewed in the repo like code; CLIENTS_PATH points the gateway elsewhere).
RUN for service in gateway subgraphs/operations subgraphs/police-cooperation subgraphs/forensics \
      subgraphs/specialist-chambers subgraphs/audit; do \
      pnpm --filter "./${service}" deploy --prod "/out/$(basename "${service}")"; \
    done \
 && mkdir -p /out/schema && cp schema/supergraph.graphql schema/external.supergraph.graphql /out/schema/ \
 && cp -r config /out/config \
 && mkdir -p /out/examples/forensics-web/generated \
 && cp examples/forensics-web/generated/persisted-documents.json /out/examples/forensics-web/generated/ \
 && cp deploy/docker/healthcheck.mjs /out/healthcheck.mjs

# ---- runtime: Node and the compiled services, nothing else, as a non-root user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/var/lib/mission-graph \
    SUPERGRAPH_PATH=/app/schema/supergraph.graphql \
    EXTERNAL_SUPERGRAPH_PATH=/app/schema/external.supergraph.graphql \
    CLIENTS_PATH=/app/config/clients.json \
    LOG_FORMAT=json
# Owned by root, read-only for the service user: the code cannot be changed at run time.
COPY --from=build /out /app
COPY deploy/docker/entrypoint.sh /usr/local/bin/mission-graph
# /var/lib/audit-checkpoints: where the audit service's checkpoint sink is mounted (a volume
# of its own, never the database's); made here so a fresh named volume takes its owner.
RUN chmod 0755 /usr/local/bin/mission-graph \
 && mkdir -p /var/lib/mission-graph /var/lib/audit-checkpoints \
 && chown node:node /var/lib/mission-graph /var/lib/audit-checkpoints
USER node
WORKDIR /app
EXPOSE 4000 4001 4002 4003 4004 4005
# Liveness of whichever service this container runs (its port from PORT or its default).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["mission-graph"]
CMD ["gateway"]
