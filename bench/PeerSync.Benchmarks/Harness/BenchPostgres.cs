namespace PeerSync.Benchmarks.Harness;

/// <summary>The PostgreSQL server the suites' PostgreSQL cases use, if one is configured.</summary>
internal static class BenchPostgres
{
    /// <summary>What a suite prints when it skips its PostgreSQL cases.</summary>
    public const string SkippedMessage = "postgres skipped: set PEERSYNC_BENCH_POSTGRES (or PEERSYNC_TEST_POSTGRES) to an Npgsql connection string";

    /// <summary>`PEERSYNC_BENCH_POSTGRES`, else `PEERSYNC_TEST_POSTGRES`; null when neither is set.</summary>
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable("PEERSYNC_BENCH_POSTGRES") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("PEERSYNC_TEST_POSTGRES") is { Length: > 0 } test ? test : null;
}
