using System.CommandLine;
using System.CommandLine.Parsing;
using PeerSync.Cli.Api;

namespace PeerSync.Cli.Parsing;

/// <summary>
/// `--node`, `--token`, `--json`, `--timeout`: accepted anywhere on the line (recursive), checked
/// while parsing so a bad value is a usage error (exit 2).
/// </summary>
internal sealed class GlobalOptions
{
    public const string NodeVariable = "PSYNC_NODE";
    public const string TokenVariable = "PSYNC_TOKEN";

    public Option<NodeEndpoint?> Node { get; } = new("--node")
    {
        Description = $"The node's HTTP API, host:port [default: {NodeEndpoint.Default}, or ${NodeVariable}]",
        HelpName = "host:port",
        Recursive = true,
        CustomParser = ParseNode,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token the node requires (peersync.http.token) [default: ${TokenVariable}]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the node's JSON on stdout instead of tables",
        Recursive = true,
    };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        Description = $"How long to wait for each answer, e.g. 500ms, 10s, 1m [default: {Durations.Format(GlobalSettings.DefaultTimeout)}]",
        HelpName = "duration",
        Recursive = true,
        CustomParser = ParseTimeout,
    };

    public void AddTo(Command root)
    {
        root.Add(Node);
        root.Add(Token);
        root.Add(Json);
        root.Add(Timeout);
    }

    /// <summary>
    /// Each setting comes from its flag on this line, else from <paramref name="inherited"/> (the
    /// shell's own flags), else from the environment, else the default.
    /// </summary>
    public GlobalSettings Resolve(ParseResult parse, GlobalSettings? inherited, Func<string, string?> variable)
    {
        var node = Given(parse, Node) ? parse.GetValue(Node) : null;
        node ??= inherited?.Node ?? NodeFromEnvironment(variable);
        var token = Given(parse, Token) ? parse.GetValue(Token) : inherited?.Token ?? variable(TokenVariable);
        var json = Given(parse, Json) ? parse.GetValue(Json) : inherited?.Json ?? false;
        var timeout = (Given(parse, Timeout) ? parse.GetValue(Timeout) : null) ?? inherited?.Timeout ?? GlobalSettings.DefaultTimeout;
        return new GlobalSettings(node, string.IsNullOrEmpty(token) ? null : token, json, timeout);
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static NodeEndpoint NodeFromEnvironment(Func<string, string?> variable)
    {
        var text = variable(NodeVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return NodeEndpoint.Default;
        }

        return NodeEndpoint.TryParse(text, out var endpoint, out var error)
            ? endpoint
            : throw new UsageException($"{NodeVariable}: {error}");
    }

    private static NodeEndpoint? ParseNode(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        if (NodeEndpoint.TryParse(result.Tokens[0].Value, out var endpoint, out var error))
        {
            return endpoint;
        }

        result.AddError($"--node: {error}");
        return null;
    }

    private static TimeSpan? ParseTimeout(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        if (Durations.TryParse(result.Tokens[0].Value, out var duration, out var error))
        {
            return duration;
        }

        result.AddError($"--timeout: {error}");
        return null;
    }
}
