namespace PeerSync.Actors;

/// <summary>Restarts of one child, counted within the strategy's window.</summary>
internal sealed class ChildRestartStats
{
    private int _restarts;
    private DateTimeOffset _windowStart;

    public int Restarts => _restarts;

    /// <summary>Counts a restart and says whether the budget still allows it.</summary>
    public bool RequestRestartPermission(DateTimeOffset now, int maxNrOfRetries, TimeSpan? window)
    {
        if (maxNrOfRetries == 0)
        {
            return false;
        }

        if (maxNrOfRetries < 0)
        {
            return true;
        }

        if (window is { } w)
        {
            if (_restarts == 0 || now - _windowStart > w)
            {
                // A new window starts with this restart.
                _windowStart = now;
                _restarts = 1;
                return true;
            }
        }

        _restarts++;
        return _restarts <= maxNrOfRetries;
    }
}
