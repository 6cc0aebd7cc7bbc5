using PeerSync.Actors;
using PeerSync.Remote.Links.Wire;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// Everything a link holds for its peer, queued and sent-but-unacknowledged alike, as it goes on
/// the wire: a sender encodes its message straight into the log (sequence number, compression
/// table references, payload), so the link's writer only copies finished bytes into a frame and a
/// reconnect resends the same bytes. The bytes live in chunks of at most
/// <see cref="Configuration.RemoteLinkOptions.MaxBatchBytes"/>: a batch is a run of one chunk. Next
/// to the bytes, each entry keeps the message as told, for dead letters. Acknowledgements drop
/// entries from the front and return whole chunks to the pool. Not thread-safe: the association
/// guards it with its lock; only the bytes a <see cref="LogSlice"/> names are read outside it.
/// See docs/design/remote-links.md ("Data plane").
/// </summary>
internal sealed class OutboundLog(int chunkBytes)
{
    /// <summary>Room left at a chunk's end beyond an entry's size bound, so encoding never has to grow it.</summary>
    private const int ChunkSlackBytes = 64;

    /// <summary>Acknowledged chunks kept for reuse: enough for a busy link's window, so steady traffic allocates none.</summary>
    private const int MaxFreeChunks = 64;

    /// <summary>
    /// Free chunks kept once everything sent is acknowledged and nothing waits: a link that was
    /// busy once does not hold a busy link's memory (up to <see cref="MaxFreeChunks"/> chunks) while idle.
    /// </summary>
    internal const int IdleFreeChunks = 2;

    private readonly Stack<LogChunk> _free = new();

    private LogEntry[] _entries = new LogEntry[1024];
    private int _head;
    private readonly List<LogChunk> _chunks = [];
    private int _chunkHead;

    /// <summary>The chunk a writer is copying from (see <see cref="Take"/>); it is not returned to the pool until released.</summary>
    private LogChunk? _held;

    /// <summary>The compression tables of the peer's incarnation; definitions travel in the entries that first use them.</summary>
    public OutboundTables Tables { get; private set; } = new();

    /// <summary>The sequence number of the oldest entry held.</summary>
    public ulong FirstSequence { get; private set; } = 1;

    /// <summary>Entries held, dead-lettered ones still waiting for the peer's acknowledgement included.</summary>
    public int Count { get; private set; }

    public ulong NextSequence => FirstSequence + (ulong)Count;

    /// <summary>Acknowledged chunks held for reuse.</summary>
    public int FreeChunkCount => _free.Count;

    /// <summary>The next entry to send on the active session.</summary>
    public ulong SendNext { get; set; } = 1;

    /// <summary>The highest sequence number ever taken for sending (what the peer may acknowledge).</summary>
    public ulong HighestSent { get; private set; }

    /// <summary>Entries that are not dead-lettered: what the buffer limits count.</summary>
    public long LiveCount { get; private set; }

    /// <summary>The size bounds of the live entries.</summary>
    public long LiveBytes { get; private set; }

    public ref LogEntry this[ulong sequence] => ref _entries[(_head + (int)(sequence - FirstSequence)) & (_entries.Length - 1)];

    /// <summary>Appends a user message (numbered <see cref="NextSequence"/> before the call).</summary>
    public void AppendUser(IActorRef recipient, IActorRef? sender, object message, int serializerId, string manifest, ReadOnlySpan<byte> payload, int sizeBound)
    {
        var chunk = ChunkFor(sizeBound);
        ref var entry = ref Add(chunk, sizeBound);
        chunk.Builder.AddUser(Tables, recipient, sender, serializerId, manifest, payload);
        entry.Message = message;
        entry.Recipient = recipient;
        entry.Sender = sender;
    }

    /// <summary>Appends a system message (its protobuf body).</summary>
    public void AppendSystem(IActorRef recipient, object original, ReadOnlySpan<byte> body, int sizeBound)
    {
        var chunk = ChunkFor(sizeBound);
        ref var entry = ref Add(chunk, sizeBound);
        chunk.Builder.AddSystem(body);
        entry.Message = original;
        entry.Recipient = recipient;
        entry.IsSystem = true;
    }

    /// <summary>
    /// The next run of entries to send, from <see cref="SendNext"/> to the end of its chunk; false
    /// when everything was sent. The chunk is held (not pooled) until <see cref="Release"/>.
    /// </summary>
    public bool Take(out LogSlice slice)
    {
        if (SendNext >= NextSequence)
        {
            slice = default;
            return false;
        }

        ref readonly var first = ref this[SendNext];
        var chunk = ChunkOf(SendNext);
        var count = (int)(chunk.FirstSequence + (ulong)chunk.Builder.Count - SendNext);
        slice = new LogSlice(chunk, first.Offset, chunk.Builder.Position, SendNext, count);
        _held = chunk;
        SendNext += (ulong)count;
        HighestSent = Math.Max(HighestSent, SendNext - 1);
        return true;
    }

    /// <summary>The writer is done with the bytes of <paramref name="slice"/>.</summary>
    public void Release(in LogSlice slice)
    {
        if (ReferenceEquals(_held, slice.Chunk))
        {
            _held = null;
        }

        if (slice.Chunk.Retired)
        {
            slice.Chunk.Retired = false;
            Recycle(slice.Chunk);
        }
    }

    /// <summary>
    /// Drops the entries up to <paramref name="sequence"/> (the peer acknowledged them), lowering
    /// <see cref="LiveCount"/> and <see cref="LiveBytes"/> by the live ones; false when the peer
    /// acknowledges something never sent.
    /// </summary>
    public bool Acknowledge(ulong sequence)
    {
        if (sequence > HighestSent)
        {
            return false;
        }

        if (sequence < FirstSequence)
        {
            return true;
        }

        var count = (int)(sequence - FirstSequence + 1);
        var firstRun = Math.Min(count, _entries.Length - _head);
        Drop(_entries.AsSpan(_head, firstRun));
        Drop(_entries.AsSpan(0, count - firstRun));
        _head = (_head + count) & (_entries.Length - 1);
        Count -= count;
        FirstSequence += (ulong)count;
        SendNext = Math.Max(SendNext, FirstSequence);

        // Chunks whose entries are all acknowledged go back to the pool; the last one stays, as
        // senders are still appending to it.
        while (_chunkHead < _chunks.Count - 1)
        {
            var chunk = _chunks[_chunkHead];
            if (chunk.FirstSequence + (ulong)chunk.Builder.Count > FirstSequence)
            {
                break;
            }

            Retire(chunk);
            _chunks[_chunkHead++] = null!;
        }

        if (_chunkHead > 64 && _chunkHead * 2 > _chunks.Count)
        {
            _chunks.RemoveRange(0, _chunkHead);
            _chunkHead = 0;
        }

        if (Count == 0)
        {
            TrimFree();
        }

        return true;
    }

    /// <summary>
    /// Takes every live entry out for dead-lettering; <paramref name="sent"/> receives those the
    /// peer may have (sent, not acknowledged), <paramref name="unsent"/> those it never saw. Sent
    /// entries stay in the log as dead ones: the peer numbers what it receives, so they go out
    /// again on the next session with the same incarnation, keeping the sequence without a gap.
    /// Unsent ones are removed, with the table definitions they made.
    /// </summary>
    public void Fail(List<LogEntry> sent, List<LogEntry> unsent)
    {
        for (var sequence = FirstSequence; sequence < NextSequence; sequence++)
        {
            ref var entry = ref this[sequence];
            if (entry.Message is null)
            {
                continue;
            }

            (sequence <= HighestSent ? sent : unsent).Add(entry);
            entry.Message = null;
            entry.Recipient = null;
            entry.Sender = null;
        }

        LiveCount = 0;
        LiveBytes = 0;
        if (NextSequence - 1 > HighestSent)
        {
            TruncateAfter(HighestSent);
        }

        SendNext = Math.Min(SendNext, NextSequence);
    }

    /// <summary>
    /// Starts over for a new incarnation of the peer: numbering from 1 and empty tables. The live
    /// entries come out for the caller to dead-letter (<paramref name="sent"/>: the old incarnation
    /// may or may not have had them) or to append again (<paramref name="unsent"/>, with the body
    /// of each system entry, which cannot be made again from the message).
    /// </summary>
    public void Restart(List<LogEntry> sent, List<(LogEntry Entry, byte[]? SystemBody)> unsent)
    {
        for (var sequence = FirstSequence; sequence < NextSequence; sequence++)
        {
            ref readonly var entry = ref this[sequence];
            if (entry.Message is null)
            {
                continue;
            }

            if (sequence <= HighestSent)
            {
                sent.Add(entry);
            }
            else
            {
                unsent.Add((entry, entry.IsSystem ? SystemBody(Bytes(sequence)).ToArray() : null));
            }
        }

        foreach (var chunk in _chunks.Skip(_chunkHead))
        {
            Retire(chunk);
        }

        _chunks.Clear();
        _chunkHead = 0;
        Array.Clear(_entries);
        _head = 0;
        Count = 0;
        FirstSequence = 1;
        SendNext = 1;
        HighestSent = 0;
        LiveCount = 0;
        LiveBytes = 0;
        Tables = new OutboundTables();
        TrimFree();
    }

    private static ReadOnlySpan<byte> SystemBody(ReadOnlySpan<byte> entry)
    {
        var at = 1;
        var length = Varint.Read(entry, ref at, "system entry length");
        return entry.Slice(at, (int)length);
    }

    private ReadOnlySpan<byte> Bytes(ulong sequence)
    {
        var chunk = ChunkOf(sequence);
        var start = this[sequence].Offset;
        var end = sequence + 1 < chunk.FirstSequence + (ulong)chunk.Builder.Count ? this[sequence + 1].Offset : chunk.Builder.Position;
        return chunk.Builder.Span(start, end);
    }

    private LogChunk ChunkFor(int sizeBound)
    {
        if (_chunks.Count > _chunkHead)
        {
            var tail = _chunks[^1];
            var builder = tail.Builder;
            if (builder.Count == 0)
            {
                tail.FirstSequence = NextSequence;
            }

            if ((builder.Count == 0 || builder.EntryBytes + sizeBound <= chunkBytes) && builder.Remaining >= sizeBound + ChunkSlackBytes)
            {
                return tail;
            }
        }

        var chunk = sizeBound <= chunkBytes && _free.TryPop(out var reused)
            ? reused
            : new LogChunk(new BatchBuilder(Math.Max(chunkBytes, sizeBound) + BatchLayout.HeaderReserveBytes + ChunkSlackBytes));
        chunk.FirstSequence = NextSequence;
        _chunks.Add(chunk);
        return chunk;
    }

    private ref LogEntry Add(LogChunk chunk, int sizeBound)
    {
        if (Count == _entries.Length)
        {
            var bigger = new LogEntry[_entries.Length * 2];
            var firstRun = _entries.Length - _head;
            Array.Copy(_entries, _head, bigger, 0, firstRun);
            Array.Copy(_entries, 0, bigger, firstRun, _head);
            _entries = bigger;
            _head = 0;
        }

        Count++;
        ref var entry = ref this[NextSequence - 1];
        entry.Offset = chunk.Builder.Position;
        entry.SizeBound = sizeBound;
        entry.PathsBefore = Tables.PathCount;
        entry.ManifestsBefore = Tables.ManifestCount;
        LiveCount++;
        LiveBytes += sizeBound;
        return ref entry;
    }

    private LogChunk ChunkOf(ulong sequence)
    {
        // Few chunks are held (the buffer limits bound them) and the one asked for is usually
        // among the first: a scan from the front is cheaper than keeping an index.
        for (var i = _chunkHead; i < _chunks.Count; i++)
        {
            var chunk = _chunks[i];
            if (sequence < chunk.FirstSequence + (ulong)chunk.Builder.Count)
            {
                return chunk;
            }
        }

        throw new InvalidOperationException($"sequence {sequence} is not in the log ({FirstSequence}..{NextSequence - 1})");
    }

    /// <summary>Removes every entry after <paramref name="last"/> (never sent): bytes, numbers and table definitions.</summary>
    private void TruncateAfter(ulong last)
    {
        var from = last + 1;
        ref readonly var first = ref this[from];
        Tables.Truncate(first.PathsBefore, first.ManifestsBefore);
        var chunk = ChunkOf(from);
        chunk.Builder.Truncate(first.Offset, (int)(from - chunk.FirstSequence));
        var keep = _chunks.IndexOf(chunk, _chunkHead) + 1;
        foreach (var later in _chunks.Skip(keep))
        {
            Retire(later);
        }

        _chunks.RemoveRange(keep, _chunks.Count - keep);
        for (var sequence = from; sequence < NextSequence; sequence++)
        {
            this[sequence] = default;
        }

        Count = (int)(from - FirstSequence);
    }

    private void Retire(LogChunk chunk)
    {
        if (ReferenceEquals(chunk, _held))
        {
            chunk.Retired = true;
        }
        else
        {
            Recycle(chunk);
        }
    }

    /// <summary>Keeps a chunk of the usual size for reuse (up to <see cref="MaxFreeChunks"/>); returns the rest to the pool.</summary>
    private void Recycle(LogChunk chunk)
    {
        if (_free.Count < MaxFreeChunks && chunk.Builder.Capacity < 2 * (chunkBytes + BatchLayout.HeaderReserveBytes + ChunkSlackBytes))
        {
            chunk.Builder.Reset();
            _free.Push(chunk);
        }
        else
        {
            chunk.Builder.Dispose();
        }
    }

    /// <summary>Returns the free chunks beyond <see cref="IdleFreeChunks"/> to the pool (the log holds nothing to send).</summary>
    private void TrimFree()
    {
        while (_free.Count > IdleFreeChunks)
        {
            _free.Pop().Builder.Dispose();
        }
    }

    /// <summary>Clears acknowledged entries, taking the live ones off the counts.</summary>
    private void Drop(Span<LogEntry> entries)
    {
        foreach (ref readonly var entry in entries)
        {
            if (entry.Message is not null)
            {
                LiveCount--;
                LiveBytes -= entry.SizeBound;
            }
        }

        entries.Clear();
    }
}
