using System.Text.Json.Nodes;
using PeerSync.Hosting.Configuration;
using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>
/// The shared HOCON conformance suite (../shared/conformance/hocon, from the reference
/// implementation's tests). Every file in an equivNN folder must mean the same as that folder's
/// original.json. test01.json is not the rendering of test01.conf: the reference suite loads the
/// base name "test01", which merges test01.json under test01.conf, so that is what we check, plus
/// the values test01.conf must produce, path by path.
/// </summary>
public sealed class HoconConformanceTests
{
    private static readonly HoconParseOptions Options = new()
    {
        EnvironmentLookup = FakeEnvironment.Of(("HOME", "/home/tester"), ("PWD", "/work/dir")),
    };

    public static TheoryData<string> EquivalentFiles()
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(RepositoryPaths.ConformanceDirectory))
        {
            return data;
        }

        foreach (var folder in Directory.GetDirectories(RepositoryPaths.ConformanceDirectory, "equiv*").Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name != "original.json" && Path.GetExtension(name) is ".conf" or ".json")
                {
                    data.Add(Path.GetRelativePath(RepositoryPaths.ConformanceDirectory, file));
                }
            }
        }

        return data;
    }

    [ConformanceTheory]
    [MemberData(nameof(EquivalentFiles))]
    public void Equivalent_file_means_the_same_as_original_json(string relativePath)
    {
        var file = Path.Combine(RepositoryPaths.ConformanceDirectory, relativePath);
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, "original.json")));

        var parsed = HoconLoader.LoadFile(file, Options);

        JsonAssert.Equivalent(original, parsed.ToJson());
    }

    [ConformanceFact]
    public void Test01_base_name_merges_test01_json_under_test01_conf()
    {
        var basePath = Path.Combine(RepositoryPaths.ConformanceDirectory, "test01");
        var fromJson = JsonNode.Parse(File.ReadAllText(basePath + ".json"))!.AsObject();
        var fromConf = HoconLoader.LoadFile(basePath + ".conf", Options).ToJson().AsObject();

        var merged = HoconLoader.LoadFileAnySyntax(basePath, Options).ToJson().AsObject();

        Assert.NotEmpty(fromJson);
        Assert.Equal(fromJson.Count + fromConf.Count, merged.Count);
        foreach (var (key, value) in fromJson.Concat(fromConf))
        {
            JsonAssert.Equivalent(value, merged[key]);
        }
    }

    public static TheoryData<string, string> Test01Values() => new()
    {
        { "ints", """{ "fortyTwo": 42, "fortyTwoAgain": 42 }""" },
        { "floats", """{ "fortyTwoPointOne": 42.1, "fortyTwoPointOneAgain": 42.1, "pointThirtyThree": 0.33, "pointThirtyThreeAgain": 0.33 }""" },
        { "strings.abcdAgain", "\"abcd\"" },
        { "strings.concatenated", "\"null bar 42 baz true 3.14 hi\"" },
        { "strings.doubleStartingWithDot", "\".33\"" },
        { "strings.null", "\"null\"" },
        { "arrays.ofString", """["a", "b", "c"]""" },
        { "arrays.ofArray", """[["a", "b", "c"], ["a", "b", "c"], ["a", "b", "c"]]""" },
        { "arrays.ofNull", "[null, null, null]" },
        { "arrays.firstElementNotASubst", """["a", "b"]""" },
        { "arrays.ofObject[0]", """{ "fortyTwo": 42, "fortyTwoAgain": 42 }""" },
        { "arrays.ofObject[1]", """{ "true": true, "trueAgain": true, "false": false, "falseAgain": false }""" },
        { "booleans", """{ "true": true, "trueAgain": true, "false": false, "falseAgain": false }""" },
        { "nulls", """{ "null": null, "nullAgain": null }""" },
        { "durations.secondsList", """["1s", "2seconds", "3 s", 4000]""" },
        { "durations.plusLargeNanos", "\"+4878955355435272204ns\"" },
        { "durations.minusLargeNanos", "\"-4878955355435272204ns\"" },
        { "periods.week", "\"3 weeks\"" },
        { "memsizes.megsList", """["1M", "1024K", 1048576]""" },
        { "memsizes.yottabyteList", """["1YB", "0.5YB"]""" },
        // Undefined optional substitutions create no field, and are empty in a concatenation.
        { "system", """{ "home": "/home/tester", "pwd": "/work/dir", "concatenated": "Your Java version is  and your user.home is " }""" },
    };

    [ConformanceTheory]
    [MemberData(nameof(Test01Values))]
    public void Test01_conf_value_when_path(string path, string expectedJson)
    {
        var root = LoadTest01();

        JsonAssert.Equivalent(expectedJson, Lookup(root, path)?.ToJson());
    }

    public static TheoryData<string, long> Test01Durations() => new()
    {
        { "durations.second", TimeSpan.TicksPerSecond },
        { "durations.secondsList[0]", TimeSpan.TicksPerSecond },
        { "durations.secondsList[1]", 2 * TimeSpan.TicksPerSecond },
        { "durations.secondsList[2]", 3 * TimeSpan.TicksPerSecond },
        { "durations.secondsList[3]", 4 * TimeSpan.TicksPerSecond },
        { "durations.secondAsNumber", TimeSpan.TicksPerSecond },
        { "durations.halfSecond", TimeSpan.TicksPerSecond / 2 },
        { "durations.millis", TimeSpan.TicksPerMillisecond },
        { "durations.micros", 2 * TimeSpan.TicksPerMillisecond },
        { "durations.largeNanos", 48789553554352722 },
        { "durations.plusLargeNanos", 48789553554352722 },
        { "durations.minusLargeNanos", -48789553554352722 },
        { "periods.day", TimeSpan.TicksPerDay },
        { "periods.dayAsNumber", 2 * TimeSpan.TicksPerMillisecond },
    };

    [ConformanceTheory]
    [MemberData(nameof(Test01Durations))]
    public void Test01_conf_duration_when_path(string path, long expectedTicks)
    {
        var text = ((HoconScalar)Lookup(LoadTest01(), path)!).Text;

        Assert.True(HoconDuration.TryParse(text, out var duration, out var error), error);
        Assert.Equal(expectedTicks, duration.Ticks);
    }

    public static TheoryData<string, long?> Test01Sizes() => new()
    {
        { "memsizes.meg", 1048576 },
        { "memsizes.megsList[0]", 1048576 },
        { "memsizes.megsList[1]", 1048576 },
        { "memsizes.megsList[2]", 1048576 },
        { "memsizes.megAsNumber", 1048576 },
        { "memsizes.halfMeg", 524288 },
        // A yottabyte does not fit in 64 bits: a clear error, never a wrapped number.
        { "memsizes.yottabyte", null },
        { "memsizes.yottabyteList[1]", null },
    };

    [ConformanceTheory]
    [MemberData(nameof(Test01Sizes))]
    public void Test01_conf_size_when_path(string path, long? expectedBytes)
    {
        var text = ((HoconScalar)Lookup(LoadTest01(), path)!).Text;

        var parsed = ByteSize.TryParse(text, out var bytes, out var error);

        Assert.Equal(expectedBytes is not null, parsed);
        if (expectedBytes is { } expected)
        {
            Assert.Equal(expected, bytes);
        }
        else
        {
            Assert.Contains("out of range", error, StringComparison.Ordinal);
        }
    }

    private static HoconObject LoadTest01() =>
        HoconLoader.LoadFile(Path.Combine(RepositoryPaths.ConformanceDirectory, "test01.conf"), Options);

    /// <summary>A path with optional [index] steps into arrays: <c>arrays.ofObject[1]</c>.</summary>
    private static HoconValue? Lookup(HoconObject root, string path)
    {
        var bracket = path.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return root.Find(path);
        }

        var array = (HoconArray)root.Find(path[..bracket])!;
        return array[int.Parse(path[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
    }
}
