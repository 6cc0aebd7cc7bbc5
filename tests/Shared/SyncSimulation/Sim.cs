namespace PeerSync.Tests.SyncSimulation;

/// <summary>The in-memory record store completes every call synchronously; anything else is a harness bug.</summary>
internal static class Sim
{
    public static T Run<T>(Task<T> task) =>
        task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("an in-memory store call did not complete synchronously");

    public static void Run(Task task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("an in-memory store call did not complete synchronously");
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// A stable 64-bit hash (FNV-1a) for deriving seeds from names: string.GetHashCode is randomized
    /// per process, and a seed must replay identically in another process.
    /// </summary>
    public static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
