using PeerSync.Actors;
using PeerSync.Remote.Links.Wire;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// One entry of the log: the message as told (null once dead-lettered) with where its bytes are.
/// Three references, written one by one: copying a struct of four or more references goes through
/// the runtime's bulk write barrier.
/// </summary>
internal struct LogEntry
{
    public object? Message;
    public IActorRef? Recipient;
    public IActorRef? Sender;
    public int Offset;
    public int SizeBound;
    public int PathsBefore;
    public int ManifestsBefore;
    public bool IsSystem;
}

/// <summary>A run of encoded entries in one chunk, with the numbers of the first and how many.</summary>
internal readonly record struct LogSlice(LogChunk Chunk, int Start, int End, ulong FirstSequence, int Count)
{
    public ReadOnlySpan<byte> Bytes => Chunk.Builder.Span(Start, End);
}

/// <summary>A chunk of the log: entries encoded one after the other (its buffer from the shared array pool).</summary>
internal sealed class LogChunk(BatchBuilder builder)
{
    public BatchBuilder Builder { get; } = builder;

    public ulong FirstSequence { get; set; }

    /// <summary>Acknowledged while a writer was copying from it: the writer returns it to the pool.</summary>
    public bool Retired { get; set; }
}
