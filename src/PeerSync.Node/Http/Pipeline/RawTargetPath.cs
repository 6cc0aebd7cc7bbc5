using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PeerSync.Node.Http.Pipeline;

/// <summary>
/// Routes on the request target exactly as the client sent it. Kestrel decodes the path before
/// routing, except `%2F`, so `a%2Fb` and `a%252Fb` would arrive alike, and `%2E%2E` would become a
/// dot-segment and be removed. Here the path is replaced by its raw, still-escaped form; route
/// values are then raw segments, and handlers decode each one once (PathSegment). Route literals
/// (`v1`, `records`) contain no escapes, so they match as before.
/// </summary>
internal static class RawTargetPath
{
    public static void Apply(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is null || raw.Length == 0 || raw[0] != '/')
        {
            // Absolute-form or asterisk-form targets keep Kestrel's reading.
            return;
        }

        var end = raw.AsSpan().IndexOfAny('?', '#');
        var rawPath = end < 0 ? raw.AsSpan() : raw.AsSpan(0, end);
        if (!rawPath.SequenceEqual(context.Request.Path.Value))
        {
            context.Request.Path = new PathString(rawPath.ToString());
        }
    }
}
