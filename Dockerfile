# syntax=docker/dockerfile:1
#
# One image for all six services. Which one runs is chosen by SERVICE, either baked in at build
# time (`docker build --build-arg SERVICE=gateway .`) or, as docker-compose.yml does, set at run
# time (`docker run -e SERVICE=orchestrator botwot/engine`). It runs services/$SERVICE/dist/main.js.
#
#   stage manifests  every workspace's package.json (npm ci checks all of them against the lock)
#   stage build      all dependencies, then `tsc -b` of shared and the six services, and the console's
#                    static files (esbuild) that the gateway serves at /console
#   stage prod-deps  production dependencies of shared and the six services only
#   stage runtime    node + prod-deps + compiled output, run as the unprivileged `node` user (uid 1000)

ARG NODE_IMAGE=node:22-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY local-servers/package.json local-servers/
COPY stand-ins/package.json stand-ins/
COPY launcher/package.json launcher/
COPY console/package.json console/
COPY tests/package.json tests/
COPY tools/package.json tools/
COPY services/gateway/package.json services/gateway/
COPY services/orchestrator/package.json services/orchestrator/
COPY services/agent-runner/package.json services/agent-runner/
COPY services/action-runner/package.json services/action-runner/
COPY services/utility-runner/package.json services/utility-runner/
COPY services/log-sink/package.json services/log-sink/

FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm npm ci
COPY tsconfig.base.json ./
COPY shared/ shared/
COPY services/ services/
COPY console/ console/
RUN node console/build.mjs \
 && mkdir -p /out/console/dist \
 && cp console/package.json /out/console/ && cp -R console/dist/public /out/console/dist/public
RUN npx tsc -b shared \
      services/gateway services/orchestrator services/agent-runner \
      services/action-runner services/utility-runner services/log-sink \
 && mkdir -p /out \
 && for pkg in shared services/*; do \
      test -f "$pkg/dist/main.js" || test "$pkg" = shared || { echo "no $pkg/dist/main.js" >&2; exit 1; }; \
      mkdir -p "/out/$pkg" && cp "$pkg/package.json" "/out/$pkg/" && cp -R "$pkg/dist" "/out/$pkg/dist"; \
    done \
 && find /out \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.test.js' -o -name '*.test.js.map' \) -delete

FROM manifests AS prod-deps
# --workspace limits the install to what shared and the services need at run time
# (no typescript/vitest/turbo, nor the local-servers, stand-ins, launcher and tests workspaces' deps; the
# gateway's link to the console workspace comes along, and the console has no run-time dependencies).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev \
      --workspace=shared \
      --workspace=services/gateway --workspace=services/orchestrator \
      --workspace=services/agent-runner --workspace=services/action-runner \
      --workspace=services/utility-runner --workspace=services/log-sink

FROM ${NODE_IMAGE} AS runtime
# SERVICE: gateway | orchestrator | agent-runner | action-runner | utility-runner | log-sink
ARG SERVICE=""
LABEL org.opencontainers.image.title="botwot-engine" \
      org.opencontainers.image.description="BotWot workflow execution engine (one image, six services; SERVICE selects one)"
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    SERVICE=${SERVICE} \
    OPS_PORT=9464 \
    PORT=3001
WORKDIR /app
# Code and dependencies stay owned by root: uid 1000 can read them, not change them.
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /out/ ./
# the base image's `node` user, by number so runtimes can verify it is not root (runAsNonRoot)
USER 1000:1000
# the gateway serves /readyz on PORT, every other service on OPS_PORT
EXPOSE 3001 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "const p=process.env.SERVICE==='gateway'?process.env.PORT:process.env.OPS_PORT;fetch('http://127.0.0.1:'+p+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# exec: node becomes PID 1 and gets SIGTERM itself (each service drains in-flight work on it)
CMD ["/bin/sh", "-c", "case \"$SERVICE\" in gateway|orchestrator|agent-runner|action-runner|utility-runner|log-sink) exec node \"services/$SERVICE/dist/main.js\" ;; *) echo \"set SERVICE to one of: gateway orchestrator agent-runner action-runner utility-runner log-sink (got '$SERVICE')\" >&2; exit 64 ;; esac"]
