using System.Globalization;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Conflicts;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>A claim's standing on the ClaimReview scale: 1 (worst) to 5 (best).</summary>
/// <param name="Value">The ratingValue.</param>
/// <param name="Name">The alternateName, the rating in words.</param>
/// <param name="Explanation">The ratingExplanation: what the rating rests on.</param>
public sealed record ReviewRating(int Value, string Name, string Explanation)
{
    public const int Best = 5;
    public const int Worst = 1;

    /// <summary>
    /// The rating of a claim's record, not a verdict on the world: it says how far the curators have checked the claim
    /// against its passages and whether other reports contradict it. A retracted claim is the lowest, then a deprecated
    /// one (a better-supported claim answers the same question), then a draft, then a verified claim that a conflict
    /// still open or acknowledged contradicts, then a verified claim that nothing unresolved contradicts.
    /// </summary>
    public static ReviewRating Of(ClaimDetail claim)
    {
        var disputed = claim.Conflicts.Count(c => c.Status is ConflictStatus.Open or ConflictStatus.Acknowledged);
        var against = disputed == 1 ? "an unresolved conflict with another claim" : $"{disputed} unresolved conflicts with other claims";
        return claim switch
        {
            { Status: ClaimStatus.Retracted } => new(1, "Retracted",
                "The curators retracted this claim" + (claim.RetractedReason is { } why ? $": {why}" : ".")),
            { Rank: ClaimRank.Deprecated } => new(2, "Deprecated",
                "A better-supported claim answers the same question; this one is kept for the record."),
            { Status: ClaimStatus.Draft } => new(3, disputed > 0 ? "Unverified, disputed" : "Unverified",
                "Recorded from its passages but not yet verified by a curator" + (disputed > 0 ? $"; it has {against}." : ".")),
            _ when disputed > 0 => new(4, "Verified, disputed",
                $"A curator verified it against its passages, and it has {against}."),
            _ => new(5, claim.Rank == ClaimRank.Preferred ? "Verified, best supported" : "Verified",
                "A curator verified it against its passages, and no unresolved conflict contradicts it" +
                (claim.Rank == ClaimRank.Preferred ? "; it is the best supported of the claims on its question." : ".")),
        };
    }
}

/// <summary>
/// Claims as schema.org ClaimReview: the review is the curators' (its author is the curator who last changed the claim),
/// rated from the claim's status, rank and conflicts (<see cref="ReviewRating"/>); the item reviewed is a schema.org
/// Claim, said by its asserter (or, in its own voice, by the outlet that reports it), appearing in each source that
/// evidences it, the earliest being its first appearance. Every type and property used is checked against schema.org's
/// vocabulary in the tests.
/// </summary>
public sealed class ClaimReviews(NpgsqlConnection connection, string baseUrl)
{
    public const string Context = "https://schema.org";

    private sealed class SourceFacts
    {
        public long Id { get; init; }
        public string? Url { get; init; }
        public string[] Authors { get; init; } = [];
    }

    private IReadOnlyList<ClaimDetail>? _page;
    private Dictionary<long, SourceFacts> _sources = [];
    private Dictionary<long, string?> _kinds = [];

    public async Task<JsonObject> ReviewAsync(ClaimDetail claim, IReadOnlyList<ClaimDetail> page, CancellationToken ct)
    {
        await LoadAsync(page, ct);
        return Review(claim);
    }

    /// <summary>Once per page of the export: the sources' addresses and authors, and whether each asserter is a person.</summary>
    public async Task LoadAsync(IReadOnlyList<ClaimDetail> page, CancellationToken ct)
    {
        if (!ReferenceEquals(page, _page))
        {
            _page = page;
            var sourceIds = page.SelectMany(c => c.Evidence.Select(e => e.Source.Id)).Distinct().ToArray();
            _sources = (await connection.QueryAsync<SourceFacts>(new CommandDefinition(
                "select id, url, authors from sources where id = any(@sourceIds)", new { sourceIds }, cancellationToken: ct))).ToDictionary(s => s.Id);
            var asserters = page.Where(c => c.AssertedBy is not null).Select(c => c.AssertedBy!.Id).Distinct().ToArray();
            _kinds = (await connection.QueryAsync<(long Id, string? Kind)>(new CommandDefinition(
                "select id, kind from subjects where id = any(@asserters)", new { asserters }, cancellationToken: ct))).ToDictionary(s => s.Id, s => s.Kind);
        }
    }

    private JsonObject Review(ClaimDetail c)
    {
        var claimUrl = $"{baseUrl}/claims/{c.Id}";
        var appearances = new JsonArray();
        string? firstAppearance = null;
        foreach (var source in c.Evidence.Select(e => e.Source).DistinctBy(s => s.Id))
        {
            var id = $"{baseUrl}/sources/{source.Id}";
            // Evidence comes oldest source first (undated last): the first is where the claim first appeared.
            firstAppearance ??= id;
            var work = new JsonObject { ["@type"] = "NewsArticle", ["@id"] = id, ["headline"] = source.Title };
            if (_sources.GetValueOrDefault(source.Id) is { } facts)
            {
                if (facts.Url is not null) work["url"] = facts.Url;
                if (facts.Authors.Length > 0) work["author"] = new JsonArray([.. facts.Authors.Select(a => (JsonNode)Agent("Person", a))]);
            }
            if (source.Outlet is not null) work["publisher"] = Agent("Organization", source.Outlet);
            if (source.Published is not null) work["datePublished"] = source.Published.Date;
            appearances.Add(work);
        }

        var item = new JsonObject
        {
            ["@type"] = "Claim",
            ["@id"] = claimUrl,
            ["text"] = c.Text,
            ["about"] = new JsonObject { ["@type"] = "Thing", ["@id"] = $"{baseUrl}/subjects/{c.Subject.Id}", ["name"] = c.Subject.Name },
        };
        if (c.AssertedBy is { } asserter)
        {
            var agent = Agent(_kinds.GetValueOrDefault(asserter.Id)?.Trim().ToLowerInvariant() == "person" ? "Person" : "Organization", asserter.Name);
            agent["@id"] = $"{baseUrl}/subjects/{asserter.Id}";
            item["author"] = agent;
        }
        else if (c.Evidence.FirstOrDefault()?.Source.Outlet is { } outlet)
        {
            // The source's own voice: the outlet that reports it says it.
            item["author"] = Agent("Organization", outlet);
        }
        var said = c.StatedOn?.Date ?? c.Evidence.Select(e => e.Source.Published?.Date).FirstOrDefault(d => d is not null);
        if (said is not null) item["datePublished"] = said;
        if (appearances.Count > 0) item["appearance"] = appearances;
        if (firstAppearance is not null) item["firstAppearance"] = new JsonObject { ["@id"] = firstAppearance };

        var rating = ReviewRating.Of(c);
        return new JsonObject
        {
            ["@type"] = "ClaimReview",
            ["@id"] = $"{claimUrl}#review",
            ["url"] = claimUrl,
            ["claimReviewed"] = c.Text,
            ["author"] = Agent("Person", c.UpdatedBy),
            ["datePublished"] = c.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["dateModified"] = c.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["reviewRating"] = new JsonObject
            {
                ["@type"] = "Rating",
                ["ratingValue"] = rating.Value,
                ["bestRating"] = ReviewRating.Best,
                ["worstRating"] = ReviewRating.Worst,
                ["alternateName"] = rating.Name,
                ["ratingExplanation"] = rating.Explanation,
            },
            ["itemReviewed"] = item,
        };
    }

    private static JsonObject Agent(string type, string name) => new() { ["@type"] = type, ["name"] = name };
}
