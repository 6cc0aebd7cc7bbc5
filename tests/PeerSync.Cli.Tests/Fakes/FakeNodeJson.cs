namespace PeerSync.Cli.Tests.Fakes;

/// <summary>
/// Canned answers written by hand from docs/http-api.md, not produced by the CLI's own types, so
/// the tests check the CLI against the contract rather than against itself.
/// </summary>
internal static class FakeNodeJson
{
    public const string Cluster = """
        {"self":"n1","leader":"n1","epoch":4,"mode":"leader","members":[
          {"id":"n1","address":"127.0.0.1:4053","status":"Up","reachable":true,"roles":["hub"],"startedAt":"2025-03-01T10:00:00Z","incarnation":"1a2b"},
          {"id":"n2","address":"127.0.0.1:4054","status":"Up","reachable":true,"roles":[],"startedAt":"2025-03-01T10:00:05Z","incarnation":"3c4d"},
          {"id":"n3","address":"127.0.0.1:4055","status":"Up","reachable":false,"roles":["edge","hub"],"startedAt":"2025-03-01T10:00:09Z","incarnation":"5e6f"}
        ]}
        """;

    public const string LeaderlessCluster = """
        {"self":"n1","leader":null,"epoch":0,"mode":"leaderless","members":[
          {"id":"n1","address":"127.0.0.1:4053","status":"Up","reachable":true,"roles":[],"startedAt":"2025-03-01T10:00:00Z","incarnation":"1"}
        ]}
        """;

    public const string SyncStatus = """
        {"state":"Backfilling","mode":"leader","ready":false,"records":12345,"logEntries":678,
         "backfill":{"phase":"Backfilling","pagesDone":7,"source":"n2"}}
        """;

    public const string SyncPeers = """
        [{"id":"n2","state":"connected","outboundQueue":0,"ackedWatermark":{"n1":"1767225600120.0","n3":"1767225600040.2"},"lagMs":0},
         {"id":"n3","state":"disconnected","outboundQueue":1523,"ackedWatermark":{"n1":"1767225600097.0"},"lagMs":84000}]
        """;

    public const string Node = """
        {"id":"n1","version":"0.1.0","incarnation":"1a2b","address":"127.0.0.1:4053","http":"127.0.0.1:8053",
         "startedAt":"2025-03-01T10:00:00Z","uptimeSeconds":93784.5,"mode":"leader","roles":["hub"],
         "dataDir":"data/n1","persistence":"sqlite"}
        """;

    public const string Actors = """
        {"name":"","path":"/","type":"Root","mailbox":0,"children":[
          {"name":"system","path":"/system","type":"SystemGuardian","mailbox":0,"children":[
            {"name":"sync","path":"/system/sync","type":"SyncCoordinator","mailbox":3,"children":[
              {"name":"peers","path":"/system/sync/peers","type":"PeerSupervisor","mailbox":0,"children":[]}]},
            {"name":"cluster","path":"/system/cluster","type":"ClusterDaemon","mailbox":0,"children":[]}]},
          {"name":"user","path":"/user","type":"UserGuardian","mailbox":0,"children":[]}]}
        """;

    public const string Logs = """
        {"entries":[
          {"timestamp":"2025-03-01T10:00:01.250Z","level":"Information","message":"Member n2 is Up","exception":null},
          {"timestamp":"2025-03-01T10:00:02.500Z","level":"Error","message":"Link to n3 failed","exception":"System.IO.IOException: reset\n   at Link.Read()"}
        ]}
        """;

    public static string Problem(int status, string title, string detail) =>
        $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}"}""";
}
