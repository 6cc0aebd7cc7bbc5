namespace PeerSync.Node.Tests.Support;

/// <summary>A fresh working directory for one test, deleted on dispose; and the repository's hocon/ folder.</summary>
internal sealed class TestFiles : IDisposable
{
    public TestFiles() => Directory.CreateDirectory(Path);

    /// <summary>The repository root (the directory holding PeerSync.sln), found from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Hocon(string name) => System.IO.Path.Combine(RepositoryRoot, "hocon", name);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "peersync-node-" + Guid.NewGuid().ToString("N"));

    public string Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PeerSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no PeerSync.sln above {AppContext.BaseDirectory}");
    }
}
