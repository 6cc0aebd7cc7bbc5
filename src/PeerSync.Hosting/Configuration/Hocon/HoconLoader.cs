namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Entry point: parse and resolve HOCON text or files into a <see cref="HoconObject"/>. Every
/// problem in the input is a <see cref="HoconParseException"/> naming file, line and column; a
/// top-level file that does not exist is a <see cref="FileNotFoundException"/>.
/// See docs/design/hocon.md for what is supported.
/// </summary>
public static class HoconLoader
{
    /// <summary>The name text sources get in messages when none is given.</summary>
    public const string DefaultSourceName = "<hocon text>";

    /// <summary>Parses and resolves HOCON text.</summary>
    public static HoconObject Parse(string text, string? sourceName = null, HoconParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= HoconParseOptions.Default;
        var root = HoconSourceReader.ReadText(text, sourceName ?? DefaultSourceName, options);
        return HoconResolver.Resolve(root, options);
    }

    /// <summary>
    /// Parses and resolves a file: .json and .properties by their own rules, anything else as
    /// HOCON. Includes resolve against the file's directory.
    /// </summary>
    public static HoconObject LoadFile(string path, HoconParseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return HoconResolver.Resolve(HoconSourceReader.ReadFile(path), options ?? HoconParseOptions.Default);
    }

    /// <summary>
    /// Loads a base name like an include without extension: every one of
    /// <c>basePath.properties</c>, <c>.json</c> and <c>.conf</c> that exists, merged in that order
    /// (later wins), then resolved together. At least one must exist.
    /// </summary>
    public static HoconObject LoadFileAnySyntax(string basePath, HoconParseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        return HoconResolver.Resolve(HoconSourceReader.ReadAnySyntax(basePath), options ?? HoconParseOptions.Default);
    }
}
