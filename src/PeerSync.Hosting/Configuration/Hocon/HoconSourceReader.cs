using System.Collections.Immutable;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Reads sources (text, files in the three syntaxes) into unresolved nodes and carries out
/// includes: relative names resolve against the including file's directory, a name without a
/// known extension loads every one of name.properties, name.json and name.conf that exists,
/// merged in that order (.conf wins), a missing file is an empty object unless the include is
/// <c>required(...)</c>, and a file that includes itself (directly or not) is an error.
/// </summary>
internal sealed class HoconSourceReader
{
    private static readonly (string Extension, HoconSyntax Syntax)[] AnySyntax =
        [(".properties", HoconSyntax.Properties), (".json", HoconSyntax.Json), (".conf", HoconSyntax.Conf)];

    private readonly string? _displayDirectory;
    private readonly string? _fullDirectory;
    private readonly ImmutableList<string> _chain;

    private HoconSourceReader(string? displayDirectory, string? fullDirectory, ImmutableList<string> chain)
    {
        _displayDirectory = displayDirectory;
        _fullDirectory = fullDirectory;
        _chain = chain;
    }

    public static ObjectNode ReadText(string text, string sourceName, HoconParseOptions options)
    {
        var reader = options.BaseDirectory is { } directory
            ? new HoconSourceReader(directory, Path.GetFullPath(directory), [])
            : new HoconSourceReader(null, null, []);
        return reader.Parse(text, sourceName, HoconSyntax.Conf);
    }

    /// <summary>Reads one file; its extension picks the syntax (HOCON when unknown).</summary>
    public static ObjectNode ReadFile(string path) =>
        new HoconSourceReader(null, null, []).ReadFile(path, Path.GetFullPath(path), SyntaxOf(path) ?? HoconSyntax.Conf, includedFrom: null)
        ?? throw new FileNotFoundException($"the configuration file '{path}' does not exist", path);

    /// <summary>Reads a base name in every syntax, like an include without extension.</summary>
    public static ObjectNode ReadAnySyntax(string basePath)
    {
        var reader = new HoconSourceReader(null, null, []);
        var candidates = Candidates(basePath, Path.GetFullPath(basePath));
        return reader.ReadMerged(candidates, new HoconOrigin(basePath, 0, 0))
            ?? throw new FileNotFoundException(
                $"no configuration file was found for '{basePath}' (tried {string.Join(", ", candidates.Select(c => c.Display))})", basePath);
    }

    private ObjectNode Parse(string text, string sourceName, HoconSyntax syntax)
    {
        if (syntax == HoconSyntax.Properties)
        {
            return PropertiesParser.Parse(text, sourceName);
        }

        var root = HoconParser.Parse(text, sourceName, Include);
        return root as ObjectNode
            ?? throw new HoconParseException(root.Origin, "the root of a configuration must be an object, not an array");
    }

    private ObjectNode Include(IncludeSpec spec)
    {
        var name = spec.Name;
        if (spec.Kind is IncludeKind.Url || (spec.Kind is IncludeKind.Heuristic && name.Contains("://", StringComparison.Ordinal)))
        {
            throw new HoconParseException(spec.Origin, $"cannot include '{name}': URL includes are not supported; include files by path");
        }

        if (spec.Kind is IncludeKind.Classpath)
        {
            throw new HoconParseException(spec.Origin, $"cannot include classpath(\"{name}\"): classpath resources are a JVM feature; use file(\"...\")");
        }

        string display, full;
        if (Path.IsPathRooted(name))
        {
            (display, full) = (name, Path.GetFullPath(name));
        }
        else if (_fullDirectory is null)
        {
            throw new HoconParseException(spec.Origin,
                $"cannot include the relative path '{name}': this text was not read from a file; use an absolute path or set {nameof(HoconParseOptions)}.{nameof(HoconParseOptions.BaseDirectory)}");
        }
        else
        {
            (display, full) = (Path.Combine(_displayDirectory!, name), Path.GetFullPath(Path.Combine(_fullDirectory, name)));
        }

        var candidates = Candidates(display, full);
        var included = ReadMerged(candidates, spec.Origin);
        if (included is null && spec.Required)
        {
            var tried = candidates.Count == 1 ? "" : $" (tried {string.Join(", ", candidates.Select(c => c.Display))})";
            throw new HoconParseException(spec.Origin, $"the required include '{display}' does not exist{tried}");
        }

        return included ?? new ObjectNode(spec.Origin);
    }

    /// <summary>Reads and merges the candidates that exist; null when none does.</summary>
    private ObjectNode? ReadMerged(IReadOnlyList<(string Display, string Full, HoconSyntax Syntax)> candidates, HoconOrigin origin)
    {
        ObjectNode? merged = null;
        foreach (var (display, full, syntax) in candidates)
        {
            if (ReadFile(display, full, syntax, origin) is not { } node)
            {
                continue;
            }

            merged ??= new ObjectNode(node.Origin);
            foreach (var (key, value) in node.Fields)
            {
                merged.Set(key, value);
            }
        }

        return merged;
    }

    private ObjectNode? ReadFile(string display, string full, HoconSyntax syntax, HoconOrigin? includedFrom)
    {
        if (_chain.Contains(full))
        {
            throw new HoconParseException(includedFrom!.Value, $"include cycle: {string.Join(" -> ", _chain.Add(full))}");
        }

        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (includedFrom is { } origin && e is IOException or UnauthorizedAccessException)
        {
            throw new HoconParseException(origin, $"cannot read the included file '{display}': {e.Message}", e);
        }

        var reader = new HoconSourceReader(Path.GetDirectoryName(display) ?? "", Path.GetDirectoryName(full), _chain.Add(full));
        return reader.Parse(text, display, syntax);
    }

    private static List<(string Display, string Full, HoconSyntax Syntax)> Candidates(string display, string full)
    {
        if (SyntaxOf(display) is { } syntax)
        {
            return [(display, full, syntax)];
        }

        return AnySyntax.Select(s => (display + s.Extension, full + s.Extension, s.Syntax)).ToList();
    }

    private static HoconSyntax? SyntaxOf(string path) => Path.GetExtension(path) switch
    {
        ".conf" => HoconSyntax.Conf,
        ".json" => HoconSyntax.Json,
        ".properties" => HoconSyntax.Properties,
        _ => null,
    };
}
