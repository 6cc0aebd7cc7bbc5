using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Journal;

/// <summary>Argument checks every journal applies the same way, so providers agree on bad input.</summary>
internal static class JournalArguments
{
    public static void CheckId(PersistenceId persistenceId)
    {
        if (persistenceId.Value is null)
        {
            throw new ArgumentException("the persistence id is the default value; parse one with PersistenceId.Parse", nameof(persistenceId));
        }
    }

    /// <summary>Checks a replay's range; returns false when it selects nothing.</summary>
    public static bool CheckRange(PersistenceId persistenceId, long fromSequenceNr, long toSequenceNr, long max)
    {
        CheckId(persistenceId);
        if (fromSequenceNr < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSequenceNr), fromSequenceNr, $"replay of '{persistenceId}': the first sequence nr must not be negative");
        }

        if (toSequenceNr < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(toSequenceNr), toSequenceNr, $"replay of '{persistenceId}': the last sequence nr must not be negative");
        }

        if (max < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"replay of '{persistenceId}': the maximum count must not be negative");
        }

        return max > 0 && toSequenceNr >= fromSequenceNr;
    }

    public static void CheckDelete(PersistenceId persistenceId, long toSequenceNr)
    {
        CheckId(persistenceId);
        if (toSequenceNr < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(toSequenceNr), toSequenceNr, $"delete of '{persistenceId}': the last sequence nr must not be negative");
        }
    }
}
