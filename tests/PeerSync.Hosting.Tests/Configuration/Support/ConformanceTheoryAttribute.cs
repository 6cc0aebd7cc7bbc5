namespace PeerSync.Hosting.Tests.Configuration.Support;

/// <summary>
/// A theory over the shared HOCON conformance files that reports as skipped, not passed, when the
/// suite is not present next to the repository (it is not part of the project).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    public ConformanceTheoryAttribute()
    {
        if (!Directory.Exists(RepositoryPaths.ConformanceDirectory))
        {
            Skip = $"the HOCON conformance suite is not present at {RepositoryPaths.ConformanceDirectory}";
        }
    }
}

/// <summary>A fact that needs the shared conformance files; skipped when they are absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (!Directory.Exists(RepositoryPaths.ConformanceDirectory))
        {
            Skip = $"the HOCON conformance suite is not present at {RepositoryPaths.ConformanceDirectory}";
        }
    }
}
