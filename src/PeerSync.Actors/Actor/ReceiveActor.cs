namespace PeerSync.Actors;

/// <summary>
/// An actor whose behaviour is a list of typed handlers, tried in registration order. Register
/// handlers in the constructor; <see cref="Become(Action)"/> swaps the whole list.
/// <see cref="ReceiveAsync{T}(Func{T, Task}, Predicate{T}?)"/> handlers hold the mailbox until their
/// task completes, so no other message interleaves with an await.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private readonly Stack<Handlers> _behaviours = new();
    private Handlers? _building;
    private Handlers _current;

    protected ReceiveActor()
    {
        _current = new Handlers();
        _building = _current;
    }

    protected internal sealed override bool Receive(object message)
    {
        // Registration happens in the constructor; freeze it at the first message so a handler
        // registered later by mistake fails loudly instead of being silently ignored.
        _building = null;
        var handlers = _current.Items;
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i](message))
            {
                return true;
            }
        }

        return false;
    }

    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(shouldHandle is null
            ? message =>
            {
                if (message is T typed)
                {
                    handler(typed);
                    return true;
                }

                return false;
            }
            : message =>
            {
                if (message is T typed && shouldHandle(typed))
                {
                    handler(typed);
                    return true;
                }

                return false;
            });
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> for which <paramref name="shouldHandle"/> is true.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        Receive(handler, shouldHandle);
    }

    /// <summary>A handler that decides itself whether it handled the message.</summary>
    protected void Receive<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(message => message is T typed && handler(typed));
    }

    /// <summary>
    /// An async handler. The actor processes no other message until the task completes; awaits
    /// resume on the actor (Self and Sender stay valid). A faulted task fails the actor as a
    /// synchronous exception would.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(message =>
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                ActorCell.Current!.RunTask(() => handler(typed));
                return true;
            }

            return false;
        });
    }

    protected void ReceiveAsync<T>(Predicate<T> shouldHandle, Func<T, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        ReceiveAsync(handler, shouldHandle);
    }

    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(message =>
        {
            handler(message);
            return true;
        });
    }

    protected void ReceiveAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(message =>
        {
            ActorCell.Current!.RunTask(() => handler(message));
            return true;
        });
    }

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure)
    {
        _behaviours.Clear();
        _current = Build(configure);
    }

    /// <summary>Pushes a behaviour built by <paramref name="configure"/>; <see cref="Unbecome"/> returns to the previous one.</summary>
    protected void BecomeStacked(Action configure)
    {
        _behaviours.Push(_current);
        _current = Build(configure);
    }

    /// <summary>Returns to the behaviour before the last <see cref="BecomeStacked"/>; no-op at the bottom.</summary>
    protected void Unbecome()
    {
        if (_behaviours.Count > 0)
        {
            _current = _behaviours.Pop();
        }
    }

    private Handlers Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _building;
        var next = new Handlers();
        _building = next;
        try
        {
            configure();
        }
        finally
        {
            _building = previous;
        }

        return next;
    }

    private void Add(Func<object, bool> handler)
    {
        if (_building is null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}: handlers can only be registered in the constructor or inside Become/BecomeStacked");
        }

        _building.Items.Add(handler);
    }

    private sealed class Handlers
    {
        public List<Func<object, bool>> Items { get; } = [];
    }
}
