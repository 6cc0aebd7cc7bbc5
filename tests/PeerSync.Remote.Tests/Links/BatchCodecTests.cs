using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PeerSync.Actors;
using PeerSync.Remote.Links.Wire;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>The user-batch layout: what the writer encodes the reader decodes, and every malformed batch is refused with the problem named.</summary>
public sealed class BatchCodecTests
{
    private static readonly Address Node = new("peersync", "sys", "127.0.0.1", 4001);

    private static IActorRef Ref(string path, long uid = 0) => new PathRef(ActorPath.Root(Node).Child("user").Child(path).WithUid(uid));

    private static List<Decoded> Decode(ReadOnlyMemory<byte> batch, InboundTables tables, out ulong ack, out ulong first)
    {
        var reader = new BatchReader(batch.Span, tables);
        ack = reader.Ack;
        first = reader.FirstSequence;
        var entries = new List<Decoded>();
        while (reader.TryRead(out var entry))
        {
            entries.Add(new Decoded(entry.Kind, entry.Recipient?.Text, entry.Sender?.Text, entry.SerializerId, entry.Manifest, entry.Body.ToArray()));
        }

        return entries;
    }

    [Fact]
    public void Batch_round_trips_user_and_system_entries_with_header()
    {
        using var builder = new BatchBuilder(1024);
        var tables = new OutboundTables();
        builder.AddUser(tables, Ref("pong", 7), Ref("ping"), 2, "test.ping", [1, 2, 3]);
        builder.AddUser(tables, Ref("pong", 7), null, -5, "", []);
        builder.AddSystem([9, 9]);

        var entries = Decode(builder.Finish(ack: 41, firstSequence: 17), new InboundTables(), out var ack, out var first);

        Assert.Equal(41UL, ack);
        Assert.Equal(17UL, first);
        Assert.Equal(
            [
                new Decoded(BatchLayout.KindUser, "peersync://sys@127.0.0.1:4001/user/pong#7", "peersync://sys@127.0.0.1:4001/user/ping", 2, "test.ping", [1, 2, 3]),
                new Decoded(BatchLayout.KindUser, "peersync://sys@127.0.0.1:4001/user/pong#7", null, -5, "", []),
                new Decoded(BatchLayout.KindSystem, null, null, 0, "", [9, 9]),
            ],
            entries);
    }

    [Fact]
    public void Batch_read_again_repeats_its_definitions_and_a_conflicting_definition_is_refused()
    {
        // Tables belong to the peer's incarnation: a batch resent on a new connection defines the
        // same ids again, which must match what is known.
        var inbound = new InboundTables();
        using var builder = new BatchBuilder(1024);
        builder.AddUser(new OutboundTables(), Ref("pong"), Ref("ping"), 2, "test.ping", [1]);
        var batch = builder.Finish(0, 1).ToArray();
        Decode(batch, inbound, out _, out _);
        var again = Decode(batch, inbound, out _, out _);
        Assert.Equal("peersync://sys@127.0.0.1:4001/user/pong", again[0].Recipient);
        Assert.Equal((2, 1), (inbound.PathCount, inbound.ManifestCount));

        builder.Reset();
        builder.AddUser(new OutboundTables(), Ref("other"), null, 2, "test.ping", [1]);
        var ex = Assert.Throws<BatchFormatException>(() => Decode(builder.Finish(0, 2), inbound, out _, out _));
        Assert.Equal("entry 0 defines path id 1 as 'peersync://sys@127.0.0.1:4001/user/other', but it is 'peersync://sys@127.0.0.1:4001/user/pong' already", ex.Message);
    }

    [Fact]
    public void Reading_entries_by_known_ids_allocates_nothing_per_entry()
    {
        // The reader runs once per received message: after the tables are known it must build no
        // strings (it did: an error label concatenated for every payload length).
        var tables = new OutboundTables();
        var inbound = new InboundTables();
        using var builder = new BatchBuilder(64 * 1024);
        builder.AddUser(tables, Ref("pong"), Ref("ping"), 4, "m", new byte[64]);
        Decode(builder.Finish(0, 1), inbound, out _, out _);
        builder.Reset();
        for (var i = 0; i < 500; i++)
        {
            builder.AddUser(tables, Ref("pong"), Ref("ping"), 4, "m", new byte[64]);
        }

        var batch = builder.Finish(0, 2);
        var count = CountEntries(batch.Span, inbound);

        var before = GC.GetAllocatedBytesForCurrentThread();
        count = CountEntries(batch.Span, inbound);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(500, count);
        Assert.Equal(0, allocated);
    }

    private static int CountEntries(ReadOnlySpan<byte> batch, InboundTables tables)
    {
        var reader = new BatchReader(batch, tables);
        var count = 0;
        while (reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void Batch_sends_each_path_and_manifest_in_full_once_per_connection_then_by_id()
    {
        var tables = new OutboundTables();
        var inbound = new InboundTables();
        var recipient = Ref("pong");
        using var builder = new BatchBuilder(1024);
        builder.AddUser(tables, recipient, null, 1, "m", [0]);
        var firstBytes = builder.Finish(0, 1).Length;
        Decode(builder.Finish(0, 1), inbound, out _, out _);

        builder.Reset();
        builder.AddUser(tables, recipient, null, 1, "m", [0]);
        builder.AddUser(tables, Ref("pong"), null, 1, "m", [0]);
        var second = builder.Finish(0, 2);
        var entries = Decode(second, inbound, out _, out _);

        Assert.All(entries, e => Assert.Equal("peersync://sys@127.0.0.1:4001/user/pong", e.Recipient));
        // Later entries name the path and manifest by id: a few bytes instead of the strings.
        Assert.True(second.Length < firstBytes, $"{second.Length} bytes for two entries by id, {firstBytes} for one defining them");
        Assert.Equal(1, inbound.PathCount);
        Assert.Equal(1, inbound.ManifestCount);
    }

    [Fact]
    public void Batch_sends_paths_as_one_off_literals_once_the_table_is_full()
    {
        var tables = new OutboundTables();
        var inbound = new InboundTables();
        using var builder = new BatchBuilder(64 * 1024);
        for (var i = 0; i < BatchLayout.MaxPathEntries + 3; i++)
        {
            builder.AddUser(tables, Ref("a" + i), null, 1, "m", []);
            if (builder.EntryBytes > 60_000)
            {
                Decode(builder.Finish(0, 1), inbound, out _, out _);
                builder.Reset();
            }
        }

        var last = Decode(builder.Finish(0, 1), inbound, out _, out _);

        Assert.Equal(BatchLayout.MaxPathEntries, inbound.PathCount);
        Assert.Equal($"peersync://sys@127.0.0.1:4001/user/a{BatchLayout.MaxPathEntries + 2}", last[^1].Recipient);
    }

    [Fact]
    public void Batch_round_trips_random_entries_across_batches()
    {
        // Any sequence of entries split into any batches decodes to the same entries, with the
        // compression tables of both sides in step.
        var entryGen =
            from recipient in Gen.Elements("x", "y", "z", "w")
            from uid in Gen.Choose(0, 3)
            from hasSender in ArbMap.Default.GeneratorFor<bool>()
            from serializer in Gen.Choose(-3, 300)
            from manifest in Gen.Elements("", "m1", "m2", "ünïcødé")
            from payload in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
            from cut in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
            select (recipient, uid, hasSender, serializer, manifest, payload, cut);
        Prop.ForAll(Gen.ListOf(entryGen).ToArbitrary(), entries =>
        {
            var tables = new OutboundTables();
            var inbound = new InboundTables();
            using var builder = new BatchBuilder(256);
            var decoded = new List<Decoded>();

            // The same ref objects for the same path, as a sender's refs are (so entries that repeat
            // the one before take the remembered encoded start), and a new object now and then.
            var refs = new Dictionary<string, IActorRef>();
            IActorRef Shared(string path, int uid) =>
                uid == 3 ? Ref(path, uid) : refs.TryGetValue(path + uid, out var known) ? known : refs[path + uid] = Ref(path, uid);
            foreach (var (recipient, uid, hasSender, serializer, manifest, payload, cut) in entries)
            {
                builder.AddUser(tables, Shared(recipient, uid), hasSender ? Shared("s" + recipient, 0) : null, serializer, manifest, payload);
                if (cut)
                {
                    decoded.AddRange(Decode(builder.Finish(3, 1), inbound, out _, out _));
                    builder.Reset();
                }
            }

            if (builder.Count > 0)
            {
                decoded.AddRange(Decode(builder.Finish(3, 1), inbound, out _, out _));
            }

            var expected = entries.Select(e => new Decoded(
                BatchLayout.KindUser,
                Ref(e.recipient, e.uid).Path.ToString() + (e.uid == 0 ? "" : "#" + e.uid),
                e.hasSender ? Ref("s" + e.recipient).Path.ToString() : null,
                e.serializer,
                e.manifest,
                e.payload)).ToList();
            return expected.SequenceEqual(decoded);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Entry_repeating_the_one_before_is_encoded_by_ids_again_after_its_definitions_were_dropped()
    {
        // The second entry is all ids and its start is remembered; dropping the definitions (the
        // entries that carried them never reached the peer) must also forget that start.
        var tables = new OutboundTables();
        var (pong, ping) = (Ref("pong"), Ref("ping"));
        using var builder = new BatchBuilder(1024);
        builder.AddUser(tables, pong, ping, 2, "test.ping", [1]);
        builder.AddUser(tables, pong, ping, 2, "test.ping", [2]);
        builder.AddUser(tables, pong, ping, 2, "test.ping", [3]);
        var entries = Decode(builder.Finish(0, 1), new InboundTables(), out _, out _);
        Assert.Equal([[1], [2], [3]], entries.Select(e => e.Body));
        Assert.All(entries, e => Assert.Equal(("peersync://sys@127.0.0.1:4001/user/pong", "peersync://sys@127.0.0.1:4001/user/ping", "test.ping"), (e.Recipient, e.Sender, e.Manifest)));

        tables.Truncate(paths: 0, manifests: 0);
        builder.Reset();
        builder.AddUser(tables, pong, ping, 2, "test.ping", [4]);
        var again = Decode(builder.Finish(0, 1), new InboundTables(), out _, out _);
        Assert.Equal(new Decoded(BatchLayout.KindUser, "peersync://sys@127.0.0.1:4001/user/pong", "peersync://sys@127.0.0.1:4001/user/ping", 2, "test.ping", [4]), again.Single());
    }

    [Fact]
    public void Entry_whose_start_differs_from_the_one_before_in_one_reference_is_decoded_in_full()
    {
        var tables = new OutboundTables();
        var (pong, ping, other) = (Ref("pong"), Ref("ping"), Ref("other"));
        using var builder = new BatchBuilder(1024);
        builder.AddUser(tables, pong, ping, 2, "m", [1]);
        builder.AddUser(tables, pong, ping, 2, "m", [2]);
        builder.AddUser(tables, pong, other, 2, "m", [3]);
        builder.AddUser(tables, pong, other, 3, "m", [4]);
        builder.AddUser(tables, pong, null, 3, "m", [5]);
        builder.AddUser(tables, pong, null, 3, "", [6]);
        var entries = Decode(builder.Finish(0, 1), new InboundTables(), out _, out _);
        Assert.Equal(
            [("ping", 2, "m"), ("ping", 2, "m"), ("other", 2, "m"), ("other", 3, "m"), (null, 3, "m"), (null, 3, "")],
            entries.Select(e => (e.Sender?[(e.Sender.LastIndexOf('/') + 1)..], e.SerializerId, e.Manifest)));
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "empty", [], "the batch is empty" },
        { "format", [2, 0, 1, 1], "the batch has format 2; this node reads format 1" },
        { "truncated varint", [1, 0x80], "the batch ends inside the acknowledged sequence" },
        { "overlong varint", [1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "the acknowledged sequence is a varint longer than 10 bytes" },
        { "sequence zero", [1, 0, 0, 1, 2, 0], "the batch starts at sequence number 0; numbers start at 1" },
        { "no entries", [1, 0, 1, 0], "the batch claims 0 entries in 0 bytes" },
        { "count beyond bytes", [1, 0, 1, 5, 2, 0], "the batch claims 5 entries in 2 bytes" },
        { "unknown kind", [1, 0, 1, 1, 7], "entry 0 has unknown kind 7" },
        { "no recipient", [1, 0, 1, 1, 1, 0], "entry 0 is a user message without recipient" },
        { "undefined path id", [1, 0, 1, 1, 1, 4 * 3], "entry 0 refers to path id 3, but only 0 are defined" },
        { "definition out of order", [1, 0, 1, 1, 1, (4 * 2) + 1, 1, (byte)'x'], "entry 0 defines path id 2, but the next id is 1" },
        { "meaningless ref code", [1, 0, 1, 1, 1, 3], "entry 0 has recipient reference code 3, which means nothing" },
        { "string past the end", [1, 0, 1, 1, 1, 5, 9, (byte)'x'], "entry 0 has a recipient of 9 bytes but only 1 remain" },
        { "invalid utf-8", [1, 0, 1, 1, 1, 5, 2, 0xc3, 0x28], "entry 0 has a recipient that is not valid UTF-8" },
        { "undefined manifest", [1, 0, 1, 1, 1, 2, 1, (byte)'x', 0, 0, 4, 0], "entry 0 refers to manifest id 1, but only 0 are defined" },
        { "payload past the end", [1, 0, 1, 1, 1, 2, 1, (byte)'x', 0, 0, 0, 5, 1], "entry 0 has a payload of 5 bytes but only 1 remain" },
        { "trailing bytes", [1, 0, 1, 1, 2, 1, 9, 0xee], "1 bytes follow the last of 1 entries" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Batch_reader_refuses_a_malformed_batch_naming_the_problem(string name, byte[] batch, string error)
    {
        var ex = Assert.Throws<BatchFormatException>(() =>
        {
            var reader = new BatchReader(batch, new InboundTables());
            while (reader.TryRead(out _))
            {
            }
        });
        Assert.True(error == ex.Message, $"{name}: expected '{error}', got '{ex.Message}'");
    }

    [Fact]
    public void Batch_reader_refuses_a_string_longer_than_the_limit()
    {
        var text = new string('x', BatchLayout.MaxStringBytes + 1);
        var bytes = new List<byte> { 1, 0, 1, 1, 1, 2 };
        var length = new byte[5];
        bytes.AddRange(length.AsSpan(0, Varint.Write(length, (ulong)text.Length)).ToArray());
        bytes.AddRange(Encoding.UTF8.GetBytes(text));

        var ex = Assert.Throws<BatchFormatException>(() => new BatchReader(bytes.ToArray(), new InboundTables()).TryRead(out _));

        Assert.Equal($"entry 0 has a recipient of {text.Length} bytes; at most {BatchLayout.MaxStringBytes} are allowed", ex.Message);
    }

    private sealed record Decoded(byte Kind, string? Recipient, string? Sender, int SerializerId, string Manifest, byte[] Body)
    {
        public bool Equals(Decoded? other) =>
            other is not null && Kind == other.Kind && Recipient == other.Recipient && Sender == other.Sender
            && SerializerId == other.SerializerId && Manifest == other.Manifest && Body.AsSpan().SequenceEqual(other.Body);

        public override int GetHashCode() => HashCode.Combine(Kind, Recipient, Sender, SerializerId, Manifest);
    }
}
