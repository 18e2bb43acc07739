# Builds the plugin (app + nested tenant wrapper data source) into /src/dist with the repository's own
# webpack config; `docker compose up` runs it once and copies dist/ into the `plugin-dist` volume that
# Grafana mounts (docker-compose.yaml, service plugin-build). Node major version as in .nvmrc.
FROM node:22.14.0-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# The GitOps CLI on the same build (compose service tenancy-apply): `docker compose up` applies the
# sample spec once Grafana is healthy. Selected with `target: tenancy-cli`; the last stage stays the default.
FROM build AS tenancy-cli
ENTRYPOINT ["node", "node_modules/tsx/dist/cli.mjs", "src/tenancy/cli.ts"]

FROM busybox:1.36.1
COPY --from=build /src/dist /dist
# Replace the volume's content so files of an older build never linger.
CMD ["sh", "-c", "rm -rf /out/* && cp -R /dist/. /out/ && echo plugin copied to /out"]
