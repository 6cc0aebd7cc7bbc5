namespace PeerSync.Hosting.Tests.Configuration.Support;

/// <summary>Locations found from the test binaries, never hard-coded.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory holding PeerSync.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The HOCON conformance suite: <c>shared/conformance/hocon</c> beside the repository.</summary>
    public static string ConformanceDirectory { get; } =
        Path.Combine(Path.GetDirectoryName(Root)!, "shared", "conformance", "hocon");

    /// <summary>This project's own HOCON fixtures.</summary>
    public static string TestData { get; } =
        Path.Combine(Root, "tests", "PeerSync.Hosting.Tests", "testdata", "hocon");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PeerSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no PeerSync.sln above {AppContext.BaseDirectory}");
    }
}
