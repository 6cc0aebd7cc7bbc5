namespace PeerSync.Persistence;

/// <summary>Typed handlers tried in registration order (the command or recovery behaviour of a persistent actor).</summary>
internal sealed class HandlerList
{
    private readonly List<Func<object, bool>> _items = [];

    public int Count => _items.Count;

    public void Add(Func<object, bool> handler) => _items.Add(handler);

    /// <summary>Offers <paramref name="message"/> to each handler in turn; false when none took it.</summary>
    public bool TryHandle(object message)
    {
        var items = _items;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i](message))
            {
                return true;
            }
        }

        return false;
    }
}
