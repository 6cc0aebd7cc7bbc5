using System.CommandLine;
using System.CommandLine.Help;
using PeerSync.Cli.Commands;

namespace PeerSync.Cli.Parsing;

/// <summary>
/// Every psync command, its arguments and options, and which handler runs it. The same tree
/// parses the process's arguments and each line of the shell.
/// </summary>
internal sealed class CommandTree
{
    private readonly Action<Command, Func<ParseResult, CommandHandler>> _bind;

    /// <param name="bind">Attaches a handler (chosen from the parse result) as the command's action.</param>
    private CommandTree(Action<Command, Func<ParseResult, CommandHandler>> bind) => _bind = bind;

    /// <summary>
    /// The root is a plain command named psync rather than a RootCommand, whose name would be the
    /// host executable's (testhost, in tests); help and version options are added by hand.
    /// </summary>
    public static Command Build(GlobalOptions globals, Action<Command, Func<ParseResult, CommandHandler>> bind)
    {
        var tree = new CommandTree(bind);
        var root = new Command("psync", "psync inspects and steers PeerSync nodes through their HTTP API. With no command it starts a shell.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        globals.AddTo(root);
        root.Add(tree.Cluster());
        root.Add(tree.Sync());
        root.Add(tree.Records());
        root.Add(tree.Group("actor", "The node's actors", tree.Leaf("hierarchy", "The live actor tree", _ => NodeCommands.ActorsAsync)));
        root.Add(tree.Group("log", "The node's recent log lines", tree.LogPeek()));
        root.Add(tree.Group("node", "The node itself", tree.Leaf("info", "Id, version, addresses, uptime, mode, storage", _ => NodeCommands.InfoAsync)));
        return root;
    }

    private Command Cluster()
    {
        var leaveId = new Argument<string?>("id") { Description = "The member to ask to leave [default: this node]", Arity = ArgumentArity.ZeroOrOne };
        var downId = new Argument<string>("id") { Description = "The member to mark down" };
        return Group("cluster", "Membership: members, leader, leave, down, live events",
            Leaf("show", "Members with status, reachability, roles; self and leader marked", _ => ClusterCommands.ShowAsync),
            Leaf("leader", "The leader and its epoch ('none' in leaderless mode)", _ => ClusterCommands.LeaderAsync),
            Leaf("leave", "This node (or member id) leaves the cluster gracefully",
                p => (c, ct) => ClusterCommands.LeaveAsync(c, p.GetValue(leaveId), ct), leaveId),
            Leaf("down", "Mark a member down (it must restart with a new incarnation to rejoin)",
                p => (c, ct) => ClusterCommands.DownAsync(c, p.GetValue(downId)!, ct), downId),
            Leaf("down-unreachable", "Mark every unreachable member down, reporting each", _ => ClusterCommands.DownUnreachableAsync),
            Leaf("tail", "Follow membership events live until Ctrl-C; reconnects when the stream drops", _ => ClusterTail.RunAsync));
    }

    private Command Sync() => Group("sync", "Replication state",
        Leaf("status", "This node's sync state, records, log entries and backfill progress", _ => SyncCommands.StatusAsync),
        Leaf("peers", "Each peer: link state, outbound queue, acknowledged watermarks, lag", _ => SyncCommands.PeersAsync));

    private Command Records()
    {
        var collection = () => new Argument<string>("collection") { Description = "Collection name" };
        var key = () => new Argument<string>("key") { Description = "Record key (any text; it is escaped in the URL)" };

        var getCollection = collection();
        var getKey = key();
        var meta = new Option<bool>("--meta") { Description = "Also print collection, key, version and origin" };

        var putCollection = collection();
        var putKey = key();
        var json = new Argument<string?>("json") { Description = "The value as JSON, or - to read it from stdin", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "Read the JSON value from this file (- for stdin)", HelpName = "path" };

        var rmCollection = collection();
        var rmKey = key();

        var lsCollection = collection();
        var after = new Option<string?>("--after") { Description = "Start after this key (the 'next' of the previous page)", HelpName = "key" };
        var limit = new Option<int?>("--limit") { Description = $"Records per page, 1-{ValueParsers.MaxLimit} [default: the node's, 100]", HelpName = "n", CustomParser = ValueParsers.Limit };
        var all = new Option<bool>("--all") { Description = "Follow 'next' and list every page" };

        return Group("records", "Read and write records",
            Leaf("get", "Print a record's value",
                p => (c, ct) => RecordCommands.GetAsync(c, p.GetValue(getCollection)!, p.GetValue(getKey)!, p.GetValue(meta), ct),
                getCollection, getKey, meta),
            Leaf("put", "Write a record: psync records put <collection> <key> <json> | --file F | -",
                p => (c, ct) => RecordCommands.PutAsync(c, p.GetValue(putCollection)!, p.GetValue(putKey)!, p.GetValue(json), p.GetValue(file), ct),
                putCollection, putKey, json, file),
            Leaf("rm", "Delete a record (leaves a tombstone that replicates)",
                p => (c, ct) => RecordCommands.RemoveAsync(c, p.GetValue(rmCollection)!, p.GetValue(rmKey)!, ct),
                rmCollection, rmKey),
            Leaf("ls", "List records in key order, a page at a time",
                p => (c, ct) => RecordCommands.ListAsync(c, p.GetValue(lsCollection)!, p.GetValue(after), p.GetValue(limit), p.GetValue(all), ct),
                lsCollection, after, limit, all));
    }

    private Command LogPeek()
    {
        var limit = new Option<int?>("--limit") { Description = $"How many lines, 1-{ValueParsers.MaxLimit} [default: 100]", HelpName = "n", CustomParser = ValueParsers.Limit };
        var level = new Option<string?>("--level") { Description = "Minimum level: Verbose, Debug, Information, Warning, Error, Fatal [default: Information]", HelpName = "level", CustomParser = ValueParsers.Level };
        return Leaf("peek", "Recent log lines kept in the node's memory",
            p => (c, ct) => NodeCommands.LogsAsync(c, p.GetValue(limit), p.GetValue(level), ct), limit, level);
    }

    private Command Group(string name, string description, params Command[] children)
    {
        var group = new Command(name, description);
        foreach (var child in children)
        {
            group.Add(child);
        }

        return group;
    }

    private Command Leaf(string name, string description, Func<ParseResult, CommandHandler> handler, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Add(argument);
                    break;
                case Option option:
                    command.Add(option);
                    break;
                default:
                    throw new ArgumentException($"'{symbol.Name}' is neither an argument nor an option", nameof(symbols));
            }
        }

        _bind(command, handler);
        return command;
    }
}
