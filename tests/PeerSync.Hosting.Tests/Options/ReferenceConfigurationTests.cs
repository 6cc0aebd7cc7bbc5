using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Configuration.Printing;
using PeerSync.Hosting.Configuration.Sources;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>
/// hocon/reference.conf, the options classes' defaults and the binder's schema describe the same
/// settings: the reference binds to exactly the defaults, lists every key, and every property of
/// the options tree is reachable from some key.
/// </summary>
public sealed class ReferenceConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reference_binds_to_the_options_defaults_when_only_the_node_id_is_added()
    {
        var bound = TestSources.Bind(TestSources.In(_dir, sets: ["peersync.node.id=n1"]));
        var defaults = new PeerSyncOptions { Node = { Id = "n1" } };

        Assert.Empty(OptionsDiff.Differences(defaults, bound));
    }

    [Fact]
    public void Reference_lists_every_key_of_the_schema()
    {
        var keys = HoconConfigurationKeys.Flatten(HoconLoader.Parse(ReferenceConfiguration.Text, "reference.conf"))
            .Keys.Select(k => k.Replace(':', '.')).ToList();

        var missing = PeerSyncOptionsBinder.KnownKeys
            .Where(known => !keys.Any(k => k == known || k.StartsWith(known + ".", StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Reference_has_no_key_the_binder_does_not_know()
    {
        var config = new ConfigurationBuilder().AddHoconString(ReferenceConfiguration.Text, "reference.conf").Build();

        PeerSyncOptionsBinder.Bind(config, out var problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void Embedded_reference_is_the_file_in_the_repository()
    {
        var onDisk = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "hocon", "reference.conf"));

        Assert.Equal(onDisk, ReferenceConfiguration.Text);
    }

    [Fact]
    public void Every_options_property_is_set_by_some_key()
    {
        // Bind a non-default sample through each key and record which properties change; together
        // the keys must reach every leaf of the options tree, and each key must change something.
        var defaults = new PeerSyncOptions();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in PeerSyncSchema.Root.Descendants().Where(e => e is not SchemaSection and not RefusedKey))
        {
            var changed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sample in Samples(entry))
            {
                var bound = TestSources.BindMemory(out var problems, sample.ToArray());
                Assert.True(problems.Count == 0, $"{entry.Path}: {string.Join("; ", problems)}");
                changed.UnionWith(OptionsDiff.Differences(defaults, bound));
            }

            Assert.True(changed.Count > 0, $"{entry.Path} changes no property");
            reached.UnionWith(changed);
        }

        var leaves = OptionsDiff.Leaves(typeof(PeerSyncOptions));
        Assert.True(leaves.Count > 80, $"only {leaves.Count} leaves found: the reflection walk is broken");
        Assert.Empty(leaves.Except(reached));
    }

    [Fact]
    public void Printed_configuration_reads_back_to_the_same_options()
    {
        var original = TestSources.Bind(TestSources.In(_dir, [Path.Combine(RepositoryPaths.Root, "hocon", "node2.conf")]));
        var printed = _dir.Write("printed.json", EffectiveConfiguration.ToJsonText(original, maskSecrets: false));

        var reread = TestSources.Bind(TestSources.In(_dir, [printed]));

        Assert.Empty(OptionsDiff.Differences(original, reread));
    }

    private static IEnumerable<List<(string Key, string? Value)>> Samples(SchemaEntry entry)
    {
        var key = entry.Path.Replace('.', ':');
        switch (entry)
        {
            case ListSetting:
                yield return [($"{key}:0", "sample")];
                break;
            case CollectionsSetting:
                yield return [($"{key}:sample:kind", "owned")];
                break;
            case LogOverridesSetting:
                yield return [($"{key}:Sample", "debug")];
                break;
            case IScalarSetting scalar:
                foreach (var text in ScalarSamples(scalar.Expected))
                {
                    yield return [(key, text)];
                }

                break;
            default:
                throw new InvalidOperationException($"no sample for {entry.GetType().Name} {entry.Path}");
        }
    }

    private static string[] ScalarSamples(string expected) => expected switch
    {
        "text" => ["leaderless"],
        "a whole number" => ["7"],
        "a number" => ["1.25"],
        "a boolean (on/off)" => ["on", "off"],
        "a duration such as 500ms or 3s" => ["1234ms"],
        "a size such as 4MiB" => ["12345"],
        "a whole number from 0 to 18446744073709551615, or empty" => ["42"],
        _ when expected.StartsWith("a log level", StringComparison.Ordinal) => ["trace", "critical"],
        _ when expected.StartsWith("a console format", StringComparison.Ordinal) => ["json"],
        _ when expected.StartsWith("a SQLite synchronous level", StringComparison.Ordinal) => ["off"],
        _ => throw new InvalidOperationException($"no sample for '{expected}'"),
    };
}
