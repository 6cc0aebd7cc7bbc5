using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.Tests.Links;

/// <summary>What the PeerLinkMachine tests share: node a's link to node b, its address and settings.</summary>
internal static class LinkMachineFixture
{
    public static readonly NodeId A = NodeId.Parse("a");
    public static readonly NodeId B = NodeId.Parse("b");
    public static readonly EndpointAddress BAddress = new("127.0.0.1", 4002);
    public static readonly UniqueNode B1 = new(B, new Incarnation(1));
    public static readonly UniqueNode B2 = new(B, new Incarnation(2));

    /// <summary>The defaults: backoff 0.2 s doubling to 10 s with 20 % jitter, heartbeat every 1 s, timeout 10 s, tie-break window 5 s.</summary>
    public static readonly PeerLinkConfig Config = PeerLinkConfig.Default;
}
