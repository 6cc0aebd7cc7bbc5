using PeerSync.Hosting.Node;

namespace PeerSync.MultiNode.Tests.Node;

public sealed class DataEpochFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "peersync-epoch-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void DataEpochFile_creates_the_directory_and_keeps_the_same_epoch_across_starts()
    {
        var data = Path.Combine(_dir, "n1");

        var first = DataEpochFile.LoadOrCreate(data);
        var second = DataEpochFile.LoadOrCreate(data);

        Assert.NotEqual(0UL, first.Value);
        Assert.Equal(first, second);
        Assert.Equal(first.ToString(), File.ReadAllText(Path.Combine(data, DataEpochFile.FileName)).Trim());
    }

    [Fact]
    public void DataEpochFile_gives_a_new_epoch_after_the_data_is_wiped()
    {
        var data = Path.Combine(_dir, "n1");
        var before = DataEpochFile.LoadOrCreate(data);

        Directory.Delete(data, recursive: true);

        Assert.NotEqual(before, DataEpochFile.LoadOrCreate(data));
    }

    [Fact]
    public void DataEpochFile_refuses_a_corrupt_file_naming_it_and_the_fix()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, DataEpochFile.FileName), "not hex\n");

        var error = Assert.Throws<InvalidOperationException>(() => DataEpochFile.LoadOrCreate(_dir));

        Assert.Contains(DataEpochFile.FileName, error.Message, StringComparison.Ordinal);
        Assert.Contains("'not hex'", error.Message, StringComparison.Ordinal);
        Assert.Contains("delete it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataEpochFile_refuses_a_data_dir_that_is_a_file()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "plain-file");
        File.WriteAllText(file, "x");

        var error = Assert.Throws<InvalidOperationException>(() => DataEpochFile.LoadOrCreate(file));

        Assert.Contains("peersync.node.data-dir", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
