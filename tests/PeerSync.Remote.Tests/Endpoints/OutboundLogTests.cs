using PeerSync.Actors;
using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Links.Wire;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>
/// The link's outbound log: what senders append is what a writer takes, in runs of one chunk;
/// acknowledgements drop a prefix; a resend repeats the same bytes; failing and restarting keep
/// the sequence and the compression tables consistent with what the peer can have seen.
/// </summary>
public sealed class OutboundLogTests
{
    private static readonly Address Node = new("peersync", "sys", "127.0.0.1", 4001);

    private static IActorRef Ref(string path) => new PathRef(ActorPath.Root(Node).Child("user").Child(path));

    /// <summary>Appends a user message; returns the number it was given (the last one in the log).</summary>
    private static ulong Append(OutboundLog log, string recipient, string message, int payloadBytes = 8)
    {
        log.AppendUser(Ref(recipient), Ref("sender"), message, 5, "m", new byte[payloadBytes], sizeBound: 100 + payloadBytes);
        return log.NextSequence - 1;
    }

    /// <summary>Takes every run the log has to send, decoding each as the peer would.</summary>
    private static List<(ulong Sequence, string Recipient)> TakeAll(OutboundLog log, InboundTables peer, List<int>? runs = null)
    {
        var received = new List<(ulong, string)>();
        using var batch = new BatchBuilder();
        while (log.Take(out var slice))
        {
            runs?.Add(slice.Count);
            batch.Reset();
            batch.AddEncoded(slice.Bytes, slice.Count);
            log.Release(slice);
            var reader = new BatchReader(batch.Finish(0, slice.FirstSequence).Span, peer);
            var sequence = reader.FirstSequence;
            while (reader.TryRead(out var entry))
            {
                received.Add((sequence++, entry.Recipient!.Text));
            }
        }

        return received;
    }

    [Fact]
    public void OutboundLog_gives_the_writer_what_senders_appended_in_order_with_their_numbers()
    {
        var log = new OutboundLog(chunkBytes: 64 * 1024);
        Assert.Equal(1UL, Append(log, "a", "m1"));
        Assert.Equal(2UL, Append(log, "b", "m2"));

        var first = TakeAll(log, new InboundTables());
        Assert.Equal([(1UL, "peersync://sys@127.0.0.1:4001/user/a"), (2UL, "peersync://sys@127.0.0.1:4001/user/b")], first);
        Assert.Equal(2UL, log.HighestSent);
        Assert.False(log.Take(out _));
        Assert.Equal(2, log.LiveCount);
        Assert.Equal(216, log.LiveBytes);
    }

    [Fact]
    public void OutboundLog_cuts_runs_at_chunk_boundaries_so_no_batch_exceeds_the_chunk_size()
    {
        var log = new OutboundLog(chunkBytes: 1024);
        for (var i = 0; i < 40; i++)
        {
            Append(log, "a", $"m{i}", payloadBytes: 100);
        }

        var runs = new List<int>();
        var received = TakeAll(log, new InboundTables(), runs);

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (ulong)i), received.Select(r => r.Sequence));
        Assert.True(runs.Count > 1, $"one run of {runs.Sum()} entries");
        Assert.All(runs, count => Assert.InRange(count * 100, 1, 1024));
    }

    [Fact]
    public void OutboundLog_acknowledgement_drops_a_prefix_and_refuses_what_was_never_sent()
    {
        var log = new OutboundLog(chunkBytes: 1024);
        for (var i = 0; i < 30; i++)
        {
            Append(log, "a", $"m{i}", payloadBytes: 100);
        }

        Assert.False(log.Acknowledge(1));
        TakeAll(log, new InboundTables());
        Assert.False(log.Acknowledge(31));

        Assert.True(log.Acknowledge(12));
        Assert.Equal((18, 18 * 200L), (log.LiveCount, log.LiveBytes));
        Assert.Equal(13UL, log.FirstSequence);

        Assert.True(log.Acknowledge(5));
        Assert.Equal((18, 18 * 200L), (log.LiveCount, log.LiveBytes));
        Assert.True(log.Acknowledge(30));
        Assert.Equal((0, 0L), (log.LiveCount, log.LiveBytes));
        Assert.Equal(0, log.Count);
    }

    [Fact]
    public void OutboundLog_resends_the_same_entries_and_the_peer_accepts_their_definitions_again()
    {
        var log = new OutboundLog(chunkBytes: 1024);
        for (var i = 0; i < 20; i++)
        {
            Append(log, $"a{i % 7}", $"m{i}", payloadBytes: 60);
        }

        var peer = new InboundTables();
        var first = TakeAll(log, peer);
        Assert.True(log.Acknowledge(4));

        // A new connection: everything not acknowledged goes out again, definitions included.
        log.SendNext = log.FirstSequence;
        var again = TakeAll(log, peer);

        Assert.Equal(first.Skip(4), again);
        Assert.Equal(8, peer.PathCount);
    }

    [Fact]
    public void OutboundLog_failing_keeps_sent_entries_for_the_sequence_and_forgets_the_definitions_of_unsent_ones()
    {
        var log = new OutboundLog(chunkBytes: 64 * 1024);
        Append(log, "a", "sent1");
        Append(log, "b", "sent2");
        var peer = new InboundTables();
        TakeAll(log, peer);
        Append(log, "c", "unsent1");
        Append(log, "d", "unsent2");

        List<LogEntry> sent = [];
        List<LogEntry> unsent = [];
        log.Fail(sent, unsent);

        Assert.Equal(["sent1", "sent2"], sent.Select(e => e.Message));
        Assert.Equal(["unsent1", "unsent2"], unsent.Select(e => e.Message));
        Assert.Equal(0, log.LiveCount);
        Assert.Equal(3UL, log.NextSequence);

        // The peer never saw c's and d's definitions: the next message defines its path anew, with
        // the id that follows the ones the peer has. The failed entries still go out first.
        Append(log, "e", "later");
        log.SendNext = log.FirstSequence;
        var received = TakeAll(log, peer);
        Assert.Equal([1UL, 2UL, 3UL], received.Select(r => r.Sequence));
        Assert.Equal("peersync://sys@127.0.0.1:4001/user/e", received[^1].Recipient);
        Assert.Equal(4, peer.PathCount);
        Assert.Equal(1, log.LiveCount);
        Assert.True(log.Acknowledge(3));
        Assert.Equal((0, 0L), (log.LiveCount, log.LiveBytes));
    }

    [Fact]
    public void OutboundLog_restart_numbers_from_one_with_empty_tables_and_hands_back_the_live_entries()
    {
        var log = new OutboundLog(chunkBytes: 64 * 1024);
        Append(log, "a", "sent");
        TakeAll(log, new InboundTables());
        log.AppendSystem(Ref("watched"), "watch", [7, 8, 9], sizeBound: 10);
        Append(log, "b", "unsent");

        List<LogEntry> sent = [];
        List<(LogEntry Entry, byte[]? SystemBody)> unsent = [];
        log.Restart(sent, unsent);

        Assert.Equal(["sent"], sent.Select(e => e.Message));
        Assert.Equal(["watch", "unsent"], unsent.Select(e => e.Entry.Message));
        Assert.Equal([7, 8, 9], unsent[0].SystemBody);
        Assert.Null(unsent[1].SystemBody);
        Assert.Equal((1UL, 0, 0L), (log.NextSequence, log.Count, log.LiveCount));

        Assert.Equal(1UL, Append(log, "b", "again"));
        var received = TakeAll(log, new InboundTables());
        Assert.Equal([(1UL, "peersync://sys@127.0.0.1:4001/user/b")], received);
    }

    [Fact]
    public void OutboundLog_does_not_reuse_a_chunk_while_a_writer_copies_from_it()
    {
        var log = new OutboundLog(chunkBytes: 1024);
        for (var i = 0; i < 8; i++)
        {
            Append(log, "a", $"m{i}", payloadBytes: 100);
        }

        Assert.True(log.Take(out var held));
        var before = held.Bytes.ToArray();

        // Acknowledged while the writer still copies: the chunk must not come back for new entries.
        Assert.True(log.Acknowledge(held.FirstSequence + (ulong)held.Count - 1));
        for (var i = 0; i < 40; i++)
        {
            Append(log, "z", $"n{i}", payloadBytes: 100);
        }

        Assert.Equal(before, held.Bytes.ToArray());
        log.Release(held);
    }

    [Fact]
    public void OutboundLog_keeps_chunks_for_reuse_while_busy_and_gives_them_back_when_everything_is_acknowledged()
    {
        var log = new OutboundLog(chunkBytes: 1024);
        for (var i = 0; i < 200; i++)
        {
            Append(log, "a", $"m{i}", payloadBytes: 100);
        }

        var peer = new InboundTables();
        TakeAll(log, peer);

        // Half acknowledged: the chunks behind stay for the traffic still going on.
        Assert.True(log.Acknowledge(100));
        var whileBusy = log.FreeChunkCount;
        Assert.True(whileBusy > OutboundLog.IdleFreeChunks, $"{whileBusy} free chunks while busy");

        // Everything acknowledged, nothing waiting: an idle link keeps only a few.
        Assert.True(log.Acknowledge(200));
        Assert.Equal(OutboundLog.IdleFreeChunks, log.FreeChunkCount);

        // And it still works: the next message goes into a kept chunk.
        Assert.Equal(201UL, Append(log, "b", "after"));
        Assert.Equal([(201UL, "peersync://sys@127.0.0.1:4001/user/b")], TakeAll(log, peer));
    }

    [Fact]
    public void OutboundLog_restart_for_a_new_incarnation_keeps_only_a_few_free_chunks()
    {
        var log = new OutboundLog(chunkBytes: 1024);
        for (var i = 0; i < 200; i++)
        {
            Append(log, "a", $"m{i}", payloadBytes: 100);
        }

        TakeAll(log, new InboundTables());

        // Everything the old incarnation held goes (sent entries to dead letters, unsent ones back
        // to the caller): the log is empty and does not hold the old traffic's chunks.
        log.Restart([], []);
        Assert.Equal(OutboundLog.IdleFreeChunks, log.FreeChunkCount);
    }
}
