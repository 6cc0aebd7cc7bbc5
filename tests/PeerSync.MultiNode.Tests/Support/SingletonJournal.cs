using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Hosting.Node;

namespace PeerSync.MultiNode.Tests.Support;

/// <summary>When and where the test singleton started and stopped (one journal shared by every node of a test, in one process).</summary>
internal sealed class SingletonJournal
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Node, string What, TimeSpan At)> _entries = [];
    private readonly HashSet<string> _running = [];

    public bool Overlapped { get; private set; }

    public IReadOnlyList<(string Node, string What, TimeSpan At)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<string> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _running];
            }
        }
    }

    public void Started(string node)
    {
        lock (_gate)
        {
            Overlapped |= _running.Count > 0;
            _running.Add(node);
            _entries.Add((node, "start", _clock.Elapsed));
        }
    }

    public void Stopped(string node)
    {
        lock (_gate)
        {
            _running.Remove(node);
            _entries.Add((node, "stop", _clock.Elapsed));
        }
    }

    public string Describe() => string.Join(", ", Entries.Select(e => $"{e.Node} {e.What} {e.At.TotalMilliseconds:0}"));

    /// <summary>A node component that registers the journaling singleton "seq" before the node joins.</summary>
    public INodeComponent Component(string node) => new SingletonComponent(this, node);

    private sealed class SingletonComponent(SingletonJournal journal, string node) : INodeComponent
    {
        public string Name => "test-singleton";

        public Task StartAsync(PeerSyncNode run, CancellationToken cancellationToken)
        {
            // The test's messages cross nodes: plain strings wrapped in a registered protobuf type.
            run.System.Serialization().AddProtobuf<StringValue>();
            run.Cluster.RegisterSingleton("seq", Props.Create(() => new JournalingSingleton(journal, node)));
            return Task.CompletedTask;
        }

        public Task StopAsync(PeerSyncNode run, NodeStopKind kind, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class JournalingSingleton(SingletonJournal journal, string node) : ActorBase
    {
        protected internal override void PreStart() => journal.Started(node);

        protected internal override void PostStop() => journal.Stopped(node);

        protected internal override bool Receive(object message)
        {
            Sender.Tell(new StringValue { Value = $"{node}:{(message as StringValue)?.Value ?? message}" }, Self);
            return true;
        }
    }
}
