using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Handshake;

/// <summary>
/// Golden scripts of whole handshakes with fixed nonces: any change to the frames or to the proof
/// computation (a wire-compatibility break) shows up as a diff in testdata/handshake/*.txt.
/// Set PEERSYNC_UPDATE_GOLDEN=1 to rewrite the files, then review the diff.
/// </summary>
public sealed class HandshakeGoldenTests
{
    [Fact]
    public void Handshake_transcript_matches_the_golden_script_when_established() =>
        AssertGolden(
            "established.txt",
            new HandshakeExchange(
                TestNodes.Config("n1", identity: TestNodes.Identity("n1", 0x1111, 4001, "hub")),
                TestNodes.Config("n2", identity: TestNodes.Identity("n2", 0x2222, 4002))).Run());

    [Fact]
    public void Handshake_transcript_matches_the_golden_script_when_the_secret_differs() =>
        AssertGolden(
            "wrong-secret.txt",
            new HandshakeExchange(
                TestNodes.Config("n1", identity: TestNodes.Identity("n1", 0x1111, 4001)),
                TestNodes.Config("n2", secret: "not the cluster secret at all", identity: TestNodes.Identity("n2", 0x2222, 4002))).Run());

    private static void AssertGolden(string name, HandshakeExchange exchange)
    {
        var actual = string.Join("\n", exchange.Script) + "\n";
        // The project directory, three levels above bin/<configuration>/<framework>: CI builds map source
        // paths to /_/, so the caller's file path does not lead back to the sources.
        var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "testdata", "handshake", name));
        if (Environment.GetEnvironmentVariable("PEERSYNC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with PEERSYNC_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
