#!/usr/bin/env pwsh
# PeerSync build entry point: the twin of build.sh, with the same targets. Keep the two in step.
#   ./build.ps1 build                 restore and build everything (Release)
#   ./build.ps1 test [filter]         run every test suite; TRX results go to artifacts/test-results
#   ./build.ps1 bench <suite> [...]   run benchmark suites (see bench/PeerSync.Benchmarks); e.g. bench actors --quick
#   ./build.ps1 run-cluster           start a local 3-node cluster (hocon/node1..3.conf); Ctrl-C stops it
#   ./build.ps1 pack                  NuGet packages of the libraries into artifacts/packages
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
Set-Location $root
$configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Show-Usage {
    Get-Content $PSCommandPath | Select-Object -Skip 1 -First 6 | ForEach-Object { $_ -replace '^# ?', '' }
    exit 2
}

function Invoke-Checked([string[]] $command) {
    & $command[0] $command[1..($command.Length - 1)]
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Build {
    Invoke-Checked @('dotnet', 'build', 'PeerSync.sln', '-c', $configuration, '-nologo')
}

function Invoke-Tests([string[]] $rest) {
    $results = Join-Path $root 'artifacts/test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force $results | Out-Null
    $filter = @()
    if ($rest.Count -gt 0) { $filter = @('--filter', $rest[0]) }
    # A hung test is killed (with a dump of where it hung) instead of stalling the run forever.
    Invoke-Checked (@('dotnet', 'test', 'PeerSync.sln', '-c', $configuration, '-nologo',
        '--results-directory', $results,
        '--logger', 'trx',
        '--logger', 'console;verbosity=minimal',
        '--blame-hang-timeout', '10m') + $filter)
}

function Invoke-Bench([string[]] $rest) {
    if ($rest.Count -eq 0) { $rest = @('list') }
    Invoke-Checked (@('dotnet', 'run', '-c', 'Release', '--project', 'bench/PeerSync.Benchmarks', '--') + $rest)
}

function Invoke-RunCluster {
    $logs = Join-Path $root 'artifacts/cluster-logs'
    New-Item -ItemType Directory -Force $logs | Out-Null
    Invoke-Checked @('dotnet', 'build', 'src/PeerSync.Node', '-c', $configuration, '-nologo', '-v', 'quiet')
    $node = Join-Path $root "src/PeerSync.Node/bin/$configuration/net10.0/peersync-node.dll"
    $processes = @()
    try {
        # Each node: remote port 405n, HTTP port 805n, data in data/noden (hocon/noden.conf).
        foreach ($n in 1..3) {
            $p = Start-Process -FilePath 'dotnet' -ArgumentList @($node, '--config', "hocon/node$n.conf") `
                -RedirectStandardOutput (Join-Path $logs "node$n.out") -RedirectStandardError (Join-Path $logs "node$n.err") `
                -NoNewWindow -PassThru
            $processes += $p
            Write-Host "node$n started (pid $($p.Id)): remote 127.0.0.1:405$n, HTTP http://127.0.0.1:805$n, log $logs/node$n.out"
        }
        Write-Host 'try: curl -s http://127.0.0.1:8051/v1/cluster   or   dotnet run --project src/PeerSync.Cli -- --node 127.0.0.1:8051 cluster show'
        Write-Host 'Ctrl-C stops the cluster'
        $processes | Wait-Process
    }
    finally {
        Write-Host "stopping nodes (graceful leave, up to ~30 s): $($processes.Id -join ' ')"
        foreach ($p in $processes) {
            if (-not $p.HasExited) {
                # Windows has no SIGTERM: Stop-Process ends the node at once (peers see a crash).
                if ($IsWindows) { Stop-Process -Id $p.Id } else { & kill -TERM $p.Id }
            }
        }
        $processes | Wait-Process -ErrorAction SilentlyContinue
        $code = 0
        foreach ($p in $processes) { if ($p.HasExited -and $p.ExitCode -ne 0) { $code = $p.ExitCode } }
        Write-Host "cluster stopped (last non-zero exit code: $code); logs in $logs"
    }
}

function Invoke-Pack {
    Invoke-Checked @('dotnet', 'pack', 'PeerSync.sln', '-c', $configuration, '-nologo', '-o', (Join-Path $root 'artifacts/packages'))
}

$target = if ($args.Count -gt 0) { $args[0] } else { '' }
$rest = if ($args.Count -gt 1) { [string[]]$args[1..($args.Count - 1)] } else { @() }
switch ($target) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests $rest }
    'bench' { Invoke-Bench $rest }
    'run-cluster' { Invoke-RunCluster }
    'pack' { Invoke-Pack }
    default { Show-Usage }
}
