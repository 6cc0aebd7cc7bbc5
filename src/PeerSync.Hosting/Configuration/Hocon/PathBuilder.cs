using System.Text;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Builds a path (a list of keys) from the pieces of a path expression, as used by keys and
/// substitutions: dots in unquoted text separate keys, dots in quoted text do not, and whitespace
/// between pieces is part of the key (<c>a b.c</c> is <c>["a b", "c"]</c>). An empty key must be
/// quoted: <c>a..b</c>, <c>.a</c> and <c>a.</c> are errors.
/// </summary>
internal sealed class PathBuilder
{
    private readonly List<string> _keys = [];
    private readonly StringBuilder _current = new();
    private bool _currentHasContent;
    private string _pendingSpace = "";
    private bool _started;

    public void AddSpace(string whitespace)
    {
        // Leading whitespace is not part of the path; inner whitespace is kept once text follows.
        if (_started)
        {
            _pendingSpace += whitespace;
        }
    }

    public void AddQuoted(string text)
    {
        FlushSpace();
        _current.Append(text);
        _currentHasContent = true;
        _started = true;
    }

    /// <summary>Adds unquoted text; returns an error when it makes an empty key.</summary>
    public string? AddUnquoted(string text)
    {
        FlushSpace();
        _started = true;
        var parts = text.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                if (!_currentHasContent)
                {
                    return "has an empty key; quote it (\"\") if you mean an empty key";
                }

                _keys.Add(_current.ToString());
                _current.Clear();
                _currentHasContent = false;
            }

            if (parts[i].Length > 0)
            {
                _current.Append(parts[i]);
                _currentHasContent = true;
            }
        }

        return null;
    }

    /// <summary>The path, or an error describing what is wrong with it.</summary>
    public (IReadOnlyList<string>? Path, string? Error) Build()
    {
        if (!_started)
        {
            return (null, "is empty");
        }

        if (!_currentHasContent)
        {
            return (null, "ends with '.'; quote it (\"\") if you mean an empty key");
        }

        _keys.Add(_current.ToString());
        return (_keys, null);
    }

    private void FlushSpace()
    {
        if (_pendingSpace.Length > 0)
        {
            _current.Append(_pendingSpace);
            _currentHasContent = true;
            _pendingSpace = "";
        }
    }
}
