using System.Text;
using PeerSync.Sync.Batching;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Peers.PeerSyncMachineTests;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Peers;

/// <summary>
/// Golden scenarios: a readable script of inputs to one peer machine, its outputs printed one per
/// line and compared with testdata/peer-sync/*.golden. Set PEERSYNC_UPDATE_GOLDEN=1 to rewrite the
/// files, then review the diff.
/// </summary>
public sealed class PeerSyncGoldenTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "testdata", "peer-sync");

    private sealed class Script(PeerSyncMachine machine)
    {
        private readonly StringBuilder _out = new();

        public string Text => _out.ToString();

        public void Step(long nowMs, string label, PeerSyncInput input)
        {
            _out.Append(nowMs).Append(" > ").AppendLine(label);
            machine.Step(input, nowMs);
            var ready = machine.TakeReady();
            foreach (var e in ready.Events)
            {
                _out.Append("    event   ").AppendLine(e.ToString());
            }

            foreach (var m in ready.Messages)
            {
                _out.Append("    send    ").AppendLine(Describe(m));
            }

            foreach (var n in ready.Notices)
            {
                _out.Append("    notice  ").AppendLine(n.ToString());
            }

            machine.Advance(ready);
        }

        private static string Describe(PeerSyncMessage m) => m switch
        {
            SendBatch b => $"SendBatch #{b.BatchId} {b.Range.Origin} ({b.Range.FromExclusive}, {b.Range.ThroughInclusive}] {b.Range.Count} change(s)",
            SendHello h => $"SendHello applied={h.Hello.Applied} floors={h.Hello.Floors} backfilling={h.Hello.Backfilling} reply={h.Hello.ReplyRequested}",
            _ => m.ToString(),
        };
    }

    private static void Verify(string name, string actual)
    {
        var path = Path.Combine(Dir, name + ".golden");
        if (Environment.GetEnvironmentVariable("PEERSYNC_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with PEERSYNC_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Golden_handshake_catch_up_live_send_loss_and_retry()
    {
        var machine = new PeerSyncMachine(Config, A.Node, B.Node, seed: 11);
        var s = new Script(machine);
        s.Step(0, "connected", new PeerConnected(S1, Local(Watermarks.Empty.With(A, H(30)))));
        s.Step(2, "hello from b: has a up to 10", new HelloReceived(S1, Hello(Watermarks.Empty.With(A, H(10)))));
        s.Step(3, "store read (10, 30]", new BatchPrepared(1, new ChangeRange(A, H(10), H(30), [Shared("tags", "x", "1", A, H(20)), Shared("tags", "y", "2", A, H(30))])));
        s.Step(8, "ack #1: applied to 30", new AckReceived(S1, new BatchAck(1, AckStatus.Applied, Watermarks.Empty.With(A, H(30)))));
        s.Step(100, "batcher released (30, 40]", new LocalBatchReady(new OutboundBatch(1, new ChangeRange(A, H(30), H(40), [Shared("tags", "z", "3", A, H(40))]))));
        s.Step(1100, "tick: no ack for #2", new PeerTick());
        s.Step(1200, "tick: retry due", new PeerTick());
        s.Step(1201, "store read (30, 40]", new BatchPrepared(3, new ChangeRange(A, H(30), H(40), [Shared("tags", "z", "3", A, H(40))])));
        s.Step(1210, "ack #3", new AckReceived(S1, new BatchAck(3, AckStatus.Applied, Watermarks.Empty.With(A, H(40)))));
        s.Step(1300, "member removed", new RetireRequested());
        Verify("handshake-catch-up-retry", s.Text);
    }
}
