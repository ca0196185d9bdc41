using Microsoft.AspNetCore.Http.HttpResults;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Optimistic concurrency: a change names the version it was made from in If-Match ("v3", as the ETag says). A read's
/// ETag is the version and a hash of the answer's state ("v3-1f0c..."): If-Match compares the version only, because a
/// change to a claim's own fields is what it guards, not the conflicts or corroboration shown beside them.
/// </summary>
public static class Preconditions
{
    public sealed record Match(int? Version, ProblemHttpResult? Problem);

    /// <param name="required">When true a missing If-Match is a 428; otherwise it means "whatever the version".</param>
    public static Match IfMatch(HttpRequest request, bool required = true)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return required
                ? new(null, TypedResults.Problem(statusCode: 428, title: "If-Match is required.",
                    detail: "Send the ETag you read (GET returns it) as If-Match, so that a change made meanwhile is not overwritten."))
                : new(null, null);
        }
        if (header == "*") return new(null, null);
        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (tag.Length > 3 && tag[0] == '"' && tag[^1] == '"' && tag[1] == 'v')
        {
            var opaque = tag[2..^1];
            var dash = opaque.IndexOf('-');
            var (number, hash) = dash < 0 ? (opaque, "") : (opaque[..dash], opaque[(dash + 1)..]);
            if (int.TryParse(number, System.Globalization.NumberStyles.None, null, out var version)
                && (dash < 0 || (hash.Length == 16 && hash.All(char.IsAsciiHexDigitLower))))
            {
                return new(version, null);
            }
        }
        return new(null, TypedResults.Problem(statusCode: 412, title: "If-Match does not match.",
            detail: $"If-Match {header} is not an ETag of this resource; ETags look like \"v3\" (or, as a read gives them, \"v3-1f0c2e9a7b4d6c58\")."));
    }

    public static ProblemHttpResult Stale(string what, int current) =>
        TypedResults.Problem(statusCode: 412, title: "The resource has changed.",
            detail: $"The {what} is now at version {current}; read it again and reapply your change.",
            extensions: new Dictionary<string, object?> { ["currentETag"] = $"\"v{current}\"" });
}
