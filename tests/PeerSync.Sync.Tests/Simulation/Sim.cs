namespace PeerSync.Sync.Tests.Simulation;

internal static class Sim
{
    /// <summary>In-memory store calls complete synchronously; anything else is a test bug.</summary>
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
}
