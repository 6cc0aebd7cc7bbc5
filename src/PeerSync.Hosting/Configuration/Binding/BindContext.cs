using System.Globalization;
using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// State of one bind: the options being filled, the problems found, and the configuration's
/// providers, which tell where a key was set and which source defines a list.
/// </summary>
internal sealed class BindContext
{
    private readonly IConfigurationRoot? _root;

    public BindContext(IConfiguration configuration, PeerSyncOptions options)
    {
        _root = configuration as IConfigurationRoot;
        Options = options;
    }

    public PeerSyncOptions Options { get; }

    public List<string> Problems { get; } = [];

    /// <summary>Adds "key: problem (set at origin)".</summary>
    public void Report(IConfigurationSection at, string key, string problem)
    {
        var origin = ConfigurationOrigins.Describe(_root, at.Path);
        Problems.Add(origin is null ? $"{key}: {problem}" : $"{key}: {problem} (set at {origin})");
    }

    /// <summary>The text of a scalar, or null when it is absent or null; reports a section found instead.</summary>
    public string? ScalarText(IConfigurationSection section, string key, string expected)
    {
        if (section.GetChildren().Any())
        {
            Report(section, key, $"expected {expected}, found {DescribeStructure(section)}");
            return null;
        }

        return section.Value;
    }

    /// <summary>
    /// The elements of a list. With a configuration root, the last provider that mentions the list
    /// defines all of it: configuration merges lists element by element, which would let a
    /// shorter list from a later source keep the tail of an earlier one.
    /// </summary>
    public List<string>? ReadList(IConfigurationSection section, string key)
    {
        string? value;
        List<(string Name, string? Value, bool HasChildren)> elements;
        if (_root is not null && DefiningProvider(section.Path) is { } provider)
        {
            provider.TryGet(section.Path, out value);
            elements = provider.GetChildKeys([], section.Path)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(name =>
                {
                    var path = ConfigurationPath.Combine(section.Path, name);
                    provider.TryGet(path, out var element);
                    return (name, element, provider.GetChildKeys([], path).Any());
                })
                .ToList();
        }
        else
        {
            value = section.Value;
            elements = section.GetChildren().Select(c => (c.Key, c.Value, c.GetChildren().Any())).ToList();
        }

        if (elements.Count == 0)
        {
            // The JSON provider writes an empty array as "", and an empty environment variable
            // says "no elements" just as well.
            if (!string.IsNullOrEmpty(value))
            {
                Report(section, key, $"expected a list such as [a, b], found '{value}' (in environment variables, set one variable per element: ..._0, ..._1)");
                return null;
            }

            return [];
        }

        var indexed = new SortedDictionary<int, (string? Value, bool HasChildren)>();
        foreach (var (name, element, hasChildren) in elements)
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                Report(section, key, $"expected a list such as [a, b], found a section with the key '{name}'");
                return null;
            }

            indexed[index] = (element, hasChildren);
        }

        var result = new List<string>();
        foreach (var (index, (element, hasChildren)) in indexed)
        {
            if (index != result.Count)
            {
                Report(section, key, Invariant($"element {result.Count} is missing (elements are numbered from 0 without gaps)"));
                return null;
            }

            if (hasChildren || element is null)
            {
                Report(section, key, Invariant($"element {index} must be text, found {(hasChildren ? "a section" : "null")}"));
                return null;
            }

            result.Add(element);
        }

        return result;
    }

    /// <summary>`a.b` stays as is; a name with a dot is quoted the HOCON way: `"PeerSync.Remote"`.</summary>
    public static string QuoteKey(string name) =>
        name.Contains('.', StringComparison.Ordinal) || name.Length == 0 ? $"\"{name}\"" : name;

    public static string DescribeStructure(IConfigurationSection section)
    {
        var names = section.GetChildren().Select(c => c.Key).ToList();
        return names.All(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            ? "a list"
            : $"a section (with {string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", ..." : "")})";
    }

    private IConfigurationProvider? DefiningProvider(string path)
    {
        foreach (var provider in _root!.Providers.Reverse())
        {
            if (provider.TryGet(path, out _) || provider.GetChildKeys([], path).Any())
            {
                return provider;
            }
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
