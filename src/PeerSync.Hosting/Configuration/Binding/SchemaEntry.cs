using System.Text.Json.Nodes;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// One key of the `peersync` schema: a section, a value, a list, a map of named entries, or a key
/// that is refused with a reason. <see cref="Path"/> is the full dotted key as users write it.
/// </summary>
internal abstract class SchemaEntry
{
    protected SchemaEntry(string path)
    {
        Path = path;
        Name = path[(path.LastIndexOf('.') + 1)..];
    }

    /// <summary>`peersync.remote.port`.</summary>
    public string Path { get; }

    /// <summary>`port`.</summary>
    public string Name { get; }
}

/// <summary>How a value is shown by --print-config.</summary>
internal enum SecretKind
{
    None,

    /// <summary>Shown as <c>********</c> when set, so a missing secret is still visible as "".</summary>
    Whole,

    /// <summary>A connection string whose password parts are masked.</summary>
    ConnectionString,
}

/// <summary>A key with a value the binder applies to the options: scalar or list.</summary>
internal abstract class SchemaValue : SchemaEntry
{
    protected SchemaValue(string path, SecretKind secret)
        : base(path) => Secret = secret;

    public SecretKind Secret { get; }

    /// <summary>What the value must be, for "expected ..., found ..." messages.</summary>
    public abstract string Expected { get; }

    /// <summary>The value in <paramref name="options"/>, as --print-config shows it (before masking).</summary>
    public abstract JsonNode? Read(PeerSyncOptions options);
}

/// <summary>A single value: text, number, duration, size, boolean or one of a few words.</summary>
internal sealed class ScalarSetting<T> : SchemaValue, IScalarSetting
{
    private readonly SettingType<T> _type;
    private readonly Func<PeerSyncOptions, T> _get;
    private readonly Action<PeerSyncOptions, T> _set;
    private readonly Func<PeerSyncOptions, T>? _display;

    public ScalarSetting(string path, SettingType<T> type, Func<PeerSyncOptions, T> get, Action<PeerSyncOptions, T> set, SecretKind secret, Func<PeerSyncOptions, T>? display)
        : base(path, secret)
    {
        _type = type;
        _get = get;
        _set = set;
        _display = display;
    }

    public override string Expected => _type.Description;

    public bool TryApply(PeerSyncOptions options, string text, out string? error)
    {
        if (!_type.Parse(text, out var value, out error))
        {
            return false;
        }

        _set(options, value);
        return true;
    }

    public override JsonNode? Read(PeerSyncOptions options) => _type.ToJson((_display ?? _get)(options));
}

/// <summary>The non-generic face of <see cref="ScalarSetting{T}"/> for the binder.</summary>
internal interface IScalarSetting
{
    string Path { get; }

    string Expected { get; }

    bool TryApply(PeerSyncOptions options, string text, out string? error);
}

/// <summary>A list of strings (`seed-nodes`, `roles`): the highest source that mentions it defines all of it.</summary>
internal sealed class ListSetting : SchemaValue
{
    private readonly Func<PeerSyncOptions, IList<string>> _get;
    private readonly Action<PeerSyncOptions, IList<string>> _set;

    public ListSetting(string path, Func<PeerSyncOptions, IList<string>> get, Action<PeerSyncOptions, IList<string>> set)
        : base(path, SecretKind.None)
    {
        _get = get;
        _set = set;
    }

    public override string Expected => "a list such as [a, b]";

    public void Apply(PeerSyncOptions options, List<string> values) => _set(options, values);

    public override JsonNode? Read(PeerSyncOptions options) => new JsonArray(_get(options).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}

/// <summary>Named entries chosen by the user (`sync.collections.&lt;name&gt;`, `logging.overrides.&lt;category&gt;`).</summary>
internal abstract class MapSetting : SchemaEntry
{
    protected MapSetting(string path)
        : base(path)
    {
    }

    /// <summary>Example of an entry, for messages: `tags { kind = shared }`.</summary>
    public abstract string Example { get; }

    public abstract JsonObject Read(PeerSyncOptions options);
}

/// <summary>A key that looks like a setting but is refused, with the reason and the key to use instead.</summary>
internal sealed class RefusedKey : SchemaEntry
{
    public RefusedKey(string path, string reason)
        : base(path) => Reason = reason;

    public string Reason { get; }
}

/// <summary>A section: its entries in reference.conf order.</summary>
internal sealed class SchemaSection : SchemaEntry
{
    private readonly List<SchemaEntry> _children = [];
    private readonly Dictionary<string, SchemaEntry> _byName = new(StringComparer.OrdinalIgnoreCase);

    public SchemaSection(string path)
        : base(path)
    {
    }

    public IReadOnlyList<SchemaEntry> Children => _children;

    public SchemaEntry? Find(string name) => _byName.GetValueOrDefault(name);

    public T Add<T>(T entry)
        where T : SchemaEntry
    {
        _byName.Add(entry.Name, entry);
        _children.Add(entry);
        return entry;
    }

    public SchemaSection Section(string name) => Add(new SchemaSection($"{Path}.{name}"));

    public void Scalar<T>(string name, SettingType<T> type, Func<PeerSyncOptions, T> get, Action<PeerSyncOptions, T> set, SecretKind secret = SecretKind.None, Func<PeerSyncOptions, T>? display = null) =>
        Add(new ScalarSetting<T>($"{Path}.{name}", type, get, set, secret, display));

    public void List(string name, Func<PeerSyncOptions, IList<string>> get, Action<PeerSyncOptions, IList<string>> set) =>
        Add(new ListSetting($"{Path}.{name}", get, set));

    /// <summary>Every entry below this section, depth first.</summary>
    public IEnumerable<SchemaEntry> Descendants()
    {
        foreach (var child in _children)
        {
            yield return child;
            if (child is SchemaSection section)
            {
                foreach (var inner in section.Descendants())
                {
                    yield return inner;
                }
            }
        }
    }
}
