# peersync-node in a container (docker-compose.yml runs three of them with PostgreSQL).
#   docker build -t peersync-node .
#   docker run --rm -e PEERSYNC_NODE_ID=peersync1 -e PEERSYNC_SECRET=... -e PEERSYNC_DB=... \
#     -e PEERSYNC_HTTP_TOKEN=... peersync-node
# Configuration: /etc/peersync/docker.conf (hocon/docker.conf) plus PEERSYNC__SECTION__KEY variables.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so that a code change does not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY hocon/ hocon/
COPY src/ src/
RUN dotnet restore src/PeerSync.Node/PeerSync.Node.csproj
RUN dotnet publish src/PeerSync.Node/PeerSync.Node.csproj -c Release --no-restore -o /app -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
COPY hocon/docker.conf /etc/peersync/docker.conf
# The data directory (node.data-dir in docker.conf) belongs to the image's unprivileged user.
RUN mkdir -p /var/lib/peersync && chown app:app /var/lib/peersync
USER app
VOLUME /var/lib/peersync
# 4053: the remote (peer) endpoint; 8053: the HTTP API and /metrics.
EXPOSE 4053 8053
# SIGTERM makes the node stop taking requests, flush, leave the cluster and exit 0 (bounded, about
# 30 s with the default downing settings): give it that long (docker-compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "peersync-node.dll", "--config", "/etc/peersync/docker.conf"]
