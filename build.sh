#!/usr/bin/env bash
# PeerSync build entry point. build.ps1 is its twin: keep the two in step.
#   ./build.sh build                 restore and build everything (Release)
#   ./build.sh test [filter]         run every test suite; TRX results go to artifacts/test-results
#   ./build.sh bench <suite> [...]   run benchmark suites (see bench/PeerSync.Benchmarks); e.g. bench actors --quick
#   ./build.sh run-cluster           start a local 3-node cluster (hocon/node1..3.conf); Ctrl-C stops it
#   ./build.sh pack                  NuGet packages of the libraries into artifacts/packages
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
configuration="${CONFIGURATION:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

build() {
  dotnet build PeerSync.sln -c "$configuration" -nologo
}

run_tests() {
  local results="$root/artifacts/test-results"
  rm -rf "$results"
  mkdir -p "$results"
  local filter=()
  if [ $# -gt 0 ]; then filter=(--filter "$1"); fi
  # A hung test is killed (with a dump of where it hung) instead of stalling the run forever.
  dotnet test PeerSync.sln -c "$configuration" -nologo \
    --results-directory "$results" \
    --logger "trx" \
    --logger "console;verbosity=minimal" \
    --blame-hang-timeout 10m \
    "${filter[@]}"
}

bench() {
  if [ $# -eq 0 ]; then
    set -- list
  fi
  dotnet run -c Release --project bench/PeerSync.Benchmarks -- "$@"
}

run_cluster() {
  local logs="$root/artifacts/cluster-logs"
  mkdir -p "$logs"
  dotnet build src/PeerSync.Node -c "$configuration" -nologo -v quiet
  local node="$root/src/PeerSync.Node/bin/$configuration/net10.0/peersync-node.dll"
  local pids=()
  stop_nodes() {
    trap - INT TERM EXIT
    echo "stopping nodes (graceful leave, up to ~30 s): ${pids[*]}"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    local code=0
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || code=$?; done
    echo "cluster stopped (last non-zero exit code: $code); logs in $logs"
  }
  trap stop_nodes INT TERM EXIT
  # Each node: remote port 405n, HTTP port 805n, data in data/noden (hocon/noden.conf).
  for n in 1 2 3; do
    dotnet "$node" --config "hocon/node$n.conf" >"$logs/node$n.out" 2>"$logs/node$n.err" &
    pids+=("$!")
    echo "node$n started (pid $!): remote 127.0.0.1:405$n, HTTP http://127.0.0.1:805$n, log $logs/node$n.out"
  done
  echo "try: curl -s http://127.0.0.1:8051/v1/cluster   or   dotnet run --project src/PeerSync.Cli -- --node 127.0.0.1:8051 cluster show"
  echo "Ctrl-C stops the cluster"
  wait "${pids[@]}" || true
}

pack() {
  dotnet pack PeerSync.sln -c "$configuration" -nologo -o "$root/artifacts/packages"
}

target="${1:-}"
[ $# -gt 0 ] && shift
case "$target" in
  build) build ;;
  test) run_tests "$@" ;;
  bench) bench "$@" ;;
  run-cluster) run_cluster ;;
  pack) pack ;;
  *) usage ;;
esac
