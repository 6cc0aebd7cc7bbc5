using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;
using PeerSync.Sync.Tests.Simulation;

namespace PeerSync.Sync.Tests.Properties;

/// <summary>
/// PROPERTY: whatever the order, duplication and loss of change deliveries among 3 replicas, once
/// lost deliveries are retried from the receivers' watermarks, all replicas hold the same records,
/// and each key holds the last writer among all acknowledged writes.
/// </summary>
public sealed class DeliveryConvergenceProperties
{
    private static readonly string[] Names = ["r1", "r2", "r3"];
    private static readonly CollectionCatalog Catalog = new(CollectionKind.Shared, new Dictionary<CollectionName, CollectionKind> { [CollectionName.Parse("places")] = CollectionKind.Owned });

    /// <summary>One write: which replica, which key, which collection, a delete or a value, and time passing.</summary>
    public sealed record WriteOp(int Replica, int Key, bool Owned, bool Delete, int Value, int AdvanceMs);

    /// <summary>One delivery action on the pending messages: which one, and whether it is lost or duplicated.</summary>
    public sealed record DeliveryOp(int Pick, int Fate);

    private static Arbitrary<(WriteOp[] Writes, DeliveryOp[] Deliveries)> Plans()
    {
        var write = from replica in Gen.Choose(0, 2)
                    from key in Gen.Choose(0, 7)
                    from owned in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
                    from delete in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
                    from value in Gen.Choose(0, 99)
                    from advance in Gen.Choose(0, 3)
                    select new WriteOp(replica, key, owned, delete, value, advance);
        var delivery = from pick in Gen.Choose(0, 1000)
                       from fate in Gen.Choose(0, 9)
                       select new DeliveryOp(pick, fate);
        var plan = from writes in Gen.ListOf(write, 40)
                   from deliveries in Gen.ListOf(delivery, 120)
                   select (writes.ToArray(), deliveries.ToArray());
        return plan.ToArbitrary();
    }

    [Fact]
    public void Replicas_converge_under_reordering_duplication_and_loss_then_retry() =>
        Prop.ForAll(Plans(), plan => Converges(plan.Writes, plan.Deliveries))
            .QuickCheckThrowOnFailure();

    private static bool Converges(WriteOp[] writes, DeliveryOp[] deliveries)
    {
        var replicas = Names.Select((name, i) => new Replica(NodeId.Parse(name), (ulong)(i + 1))).ToArray();
        var acknowledged = new List<RecordVersion>();
        long now = 1_700_000_000_000;
        foreach (var op in writes)
        {
            now += op.AdvanceMs;
            var written = replicas[op.Replica].Write(op.Owned ? "places" : "tags", "k" + op.Key.ToString(CultureInfo.InvariantCulture),
                op.Delete ? null : op.Value.ToString(CultureInfo.InvariantCulture), now);
            if (written is not null)
            {
                acknowledged.Add(written);
            }
        }

        // Every replica's stream, cut into small ranges, is offered to every other replica, directly
        // or forwarded; the deliveries then happen in the generated order, some lost, some twice.
        var pending = new List<(int To, ChangeRange Range)>();
        foreach (var from in replicas)
        {
            var head = from.Progress().Applied[from.Origin];
            var cursor = Hlc.Zero;
            while (cursor < head)
            {
                var range = Sim.Run(from.Store.ReadStreamAsync(from.Origin, cursor, head, 3))!;
                for (var to = 0; to < replicas.Length; to++)
                {
                    if (replicas[to] != from)
                    {
                        pending.Add((to, range));
                    }
                }

                cursor = range.ThroughInclusive;
            }
        }

        foreach (var op in deliveries)
        {
            if (pending.Count == 0)
            {
                break;
            }

            var index = op.Pick % pending.Count;
            var (to, range) = pending[index];
            if (op.Fate == 0)
            {
                pending.RemoveAt(index);
                continue;
            }

            replicas[to].Apply(range, now);
            if (op.Fate != 1)
            {
                pending.RemoveAt(index);
            }
        }

        foreach (var (to, range) in pending)
        {
            replicas[to].Apply(range, now);
        }

        // Retry what was lost: each receiver asks each origin (or a forwarder) from its watermark.
        for (var round = 0; round < 3; round++)
        {
            foreach (var receiver in replicas)
            {
                foreach (var source in replicas.Where(r => r != receiver))
                {
                    foreach (var (origin, head) in source.Progress().Applied)
                    {
                        var mine = receiver.Progress().Applied[origin];
                        if (origin != receiver.Origin && head > mine)
                        {
                            receiver.Apply(Sim.Run(source.Store.ReadStreamAsync(origin, mine, head, 1000))!, now);
                        }
                    }
                }
            }
        }

        var states = replicas.Select(r => r.State()).ToList();
        if (states.Skip(1).Any(s => !s.SequenceEqual(states[0])))
        {
            return false;
        }

        var expected = acknowledged.GroupBy(w => w.Cursor)
            .Select(g => g.Aggregate((best, next) => MergeRules.ShouldReplace(best, next) ? next : best))
            .Where(w => !w.Deleted)
            .Select(w => $"{w.Cursor}={w.Stamp}={w.Value}")
            .OrderBy(s => s, StringComparer.Ordinal);
        return expected.SequenceEqual(states[0]);
    }

    private sealed class Replica
    {
        private readonly HybridLogicalClock _clock = new(HlcConfig.Default);

        public Replica(NodeId id, ulong epoch)
        {
            Store = RecordStores.InMemory(new InMemoryStorage());
            Origin = Sim.Run(Store.OpenAsync(id, new DataEpoch(epoch))).Self;
        }

        public IRecordStore Store { get; }

        public OriginId Origin { get; }

        public SyncProgress Progress() => Sim.Run(Store.ReadProgressAsync());

        public RecordVersion? Write(string collection, string key, string? value, long nowMs)
        {
            var c = CollectionName.Parse(collection);
            var outcome = Sim.Run(Store.WriteLocalAsync([new LocalWrite(c, RecordKey.Parse(key), Catalog.KindOf(c), value, _clock.Now(nowMs))]))[0];
            return outcome.Written;
        }

        public void Apply(ChangeRange range, long nowMs) =>
            Sim.Run(Store.ApplyRemoteAsync(ClockAdmission.Admit([range], _clock, nowMs).Ranges));

        public List<string> State()
        {
            var result = new List<string>();
            foreach (var collection in new[] { "places", "tags" })
            {
                var page = Sim.Run(Store.ListAsync(CollectionName.Parse(collection), null, 1000));
                result.AddRange(page.Items.Select(i => $"{i.Cursor}={i.Stamp}={i.Value}"));
            }

            return [.. result.OrderBy(s => s, StringComparer.Ordinal)];
        }
    }
}
