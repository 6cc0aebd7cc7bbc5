using PeerSync.Persistence;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.CrashWriter;

// Usage: PeerSync.Persistence.CrashWriter sqlite <data-dir>
//        PeerSync.Persistence.CrashWriter postgres <connection-string> <schema>
// Writes atomic batches from several concurrent writers and prints a line after each durable one,
// until killed. It exits by itself when its standard input closes (the test runner died) or after
// two minutes, so it can never outlive a crashed test run.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PeerSync.Persistence.CrashWriter sqlite <data-dir> | postgres <connection-string> <schema>");
    return 2;
}

_ = Task.Run(() =>
{
    Console.In.ReadToEnd();
    Environment.Exit(3);
});

await using PersistenceStores stores = args[0] switch
{
    "sqlite" => await PersistenceFactory.OpenSqliteAsync(new SqliteJournalOptions { DataDir = args[1] }),
    "postgres" when args.Length >= 3 => await PersistenceFactory.OpenPostgresAsync(new PostgresJournalOptions { ConnectionString = args[1], SchemaName = args[2] }),
    _ => throw new ArgumentException($"unknown provider '{args[0]}' (or missing schema); expected sqlite or postgres"),
};

using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
Console.WriteLine("ready");
var writers = Enumerable.Range(0, CrashWorkload.Writers).Select(async w =>
{
    var id = CrashWorkload.Id(w);
    var next = await stores.Journal.ReadHighestSequenceNrAsync(id) + 1;
    while (!deadline.IsCancellationRequested)
    {
        var write = CrashWorkload.Write(id, next);
        await stores.Journal.WriteAsync(write);
        Console.WriteLine($"{CrashWorkload.ConfirmedPrefix}{id} {write.HighestSequenceNr}");
        next = write.HighestSequenceNr + 1;
    }
});
await Task.WhenAll(writers);
return 0;
