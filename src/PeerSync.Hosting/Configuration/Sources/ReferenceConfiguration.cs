namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// hocon/reference.conf, compiled into this assembly so that the defaults never depend on the
/// working directory or on files shipped beside the executable.
/// </summary>
public static class ReferenceConfiguration
{
    /// <summary>The name errors and origins give the built-in file.</summary>
    public const string SourceName = "reference.conf";

    private const string ResourceName = "PeerSync.Hosting.reference.conf";

    private static readonly Lazy<string> Content = new(Read);

    /// <summary>The text of hocon/reference.conf as built.</summary>
    public static string Text => Content.Value;

    private static string Read()
    {
        using var stream = typeof(ReferenceConfiguration).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from {typeof(ReferenceConfiguration).Assembly.GetName().Name}; the build must embed hocon/reference.conf");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
