namespace PeerSync.Hosting.Tests.Configuration.Support;

/// <summary>An environment for substitutions that never touches the real process environment.</summary>
internal static class FakeEnvironment
{
    public static Func<string, string?> Of(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    public static Func<string, string?> Empty { get; } = _ => null;
}
