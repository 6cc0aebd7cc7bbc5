namespace PeerSync.Node.Http.Json;

/// <summary>
/// An RFC 9457 problem: `type` is always about:blank, so `title` is the status's reason phrase and
/// `detail` says what was wrong with this request. <see cref="TraceId"/> (500s only) lets an
/// operator find the matching error line in the node's log.
/// </summary>
internal sealed record ProblemBody(string Type, string Title, int Status, string Detail)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceId { get; init; }
}
