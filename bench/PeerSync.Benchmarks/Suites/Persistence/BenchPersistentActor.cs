using Google.Protobuf.WellKnownTypes;
using PeerSync.Actors;
using PeerSync.Persistence;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// The persistent actor of the actor-level cases: <see cref="PersistOne"/> persists one event with
/// Persist and replies once it is handled; <see cref="PersistBatch"/> persists a batch with
/// PersistAll and replies after the last handler. Recovery counts the replayed events and reports
/// the count through <see cref="Recovered"/>, which the replay case waits on.
/// </summary>
internal sealed class BenchPersistentActor : PersistentActor
{
    private readonly TaskCompletionSource<long>? _recovered;
    private long _events;
    private long _bytes;

    public BenchPersistentActor(PersistenceId persistenceId, TaskCompletionSource<long>? recovered)
    {
        PersistenceId = persistenceId;
        _recovered = recovered;
        Recover<BytesValue>(Apply);
        Command<RecoveryCompleted>(_ => _recovered?.TrySetResult(_events));
        Command<PersistOne>(_ => Persist(BenchEvents.Message, e =>
        {
            Apply(e);
            Sender.Tell(Done.Instance, Self);
        }));
        Command<PersistBatch>(c =>
        {
            var left = c.Events;
            PersistAll(Enumerable.Repeat(BenchEvents.Message, c.Events), e =>
            {
                Apply(e);
                if (--left == 0)
                {
                    Sender.Tell(Done.Instance, Self);
                }
            });
        });
    }

    public override PersistenceId PersistenceId { get; }

    public static Props Props(PersistenceId persistenceId, TaskCompletionSource<long>? recovered = null) =>
        PeerSync.Actors.Props.Create(() => new BenchPersistentActor(persistenceId, recovered));

    protected override void OnRecoveryFailure(Exception cause, object? @event)
    {
        base.OnRecoveryFailure(cause, @event);
        _recovered?.TrySetException(cause);
    }

    // State that depends on every event, so the handler cannot be optimized away.
    private void Apply(BytesValue e)
    {
        _events++;
        _bytes += e.Value.Length;
    }

    public sealed class PersistOne
    {
        public static readonly PersistOne Instance = new();
    }

    public sealed record PersistBatch(int Events);

    public sealed class Done
    {
        public static readonly Done Instance = new();
    }
}
