namespace PeerSync.Cli;

/// <summary>
/// Ctrl-C for in-process runs. The host (Program, or a test) calls <see cref="Interrupt"/>; the
/// command running at that moment sees its token cancelled. With no command running nothing
/// happens and <see cref="Interrupt"/> returns false, so the host can let the process end.
/// </summary>
public sealed class Interrupts
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _current;

    /// <summary>Cancels the running command; false when none is running.</summary>
    public bool Interrupt()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                return false;
            }

            _current.Cancel();
            return true;
        }
    }

    internal CommandScope Begin(CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        lock (_gate)
        {
            _current = source;
        }

        return new CommandScope(this, source);
    }

    private void End(CancellationTokenSource source)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, source))
            {
                _current = null;
            }
        }

        source.Dispose();
    }

    internal sealed class CommandScope(Interrupts owner, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token { get; } = source.Token;

        public void Dispose() => owner.End(source);
    }
}
