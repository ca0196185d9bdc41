using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Sources;

/// <param name="Published">As precisely as the evidence allows; null when unknown.</param>
/// <param name="Provenance">Where each metadata value came from, keyed by field name.</param>
/// <param name="Revision">The revision whose text is <paramref name="Body"/>: the latest.</param>
/// <param name="Republishes">The story this source copies (a wire copy), whose voice its own claims speak in; null for an original.</param>
public sealed record SourceDetail(
    long Id,
    string Title,
    string? Subtitle,
    string? Outlet,
    string[] Authors,
    string? Url,
    string Language,
    DateView? Published,
    Dictionary<string, string> Provenance,
    RevisionSummary Revision,
    string Body,
    long PassageCount,
    long ClaimCount,
    string CreatedBy,
    DateTime CreatedAt,
    SourceOrigin? Republishes = null);

/// <summary>What a source republishes: a stored original, an agency's story, or both.</summary>
/// <param name="SourceId">The stored original, by id; null when it is not stored.</param>
/// <param name="SourceTitle">The original's title.</param>
/// <param name="AgencyId">The agency (a subject) whose story it is.</param>
/// <param name="Agency">The agency's name.</param>
public sealed record SourceOrigin(long? SourceId, string? SourceTitle, long? AgencyId, string? Agency);

/// <param name="Sha256">Hex SHA-256 of the text's UTF-8 bytes (NFC).</param>
/// <param name="Length">In Unicode code points, the unit of every passage offset.</param>
public sealed record RevisionSummary(int Number, string Sha256, int Length, string? RetrievedOn, DateTime CreatedAt);

public static class GetSource
{
    /// <param name="revisionParam">The revision whose text to give, by its number, e.g. 1 (default: the latest).</param>
    public static async Task<Results<Ok<SourceDetail>, ProblemHttpResult>> Handle([FromRoute(Name = "id")] Param<long> idParam, [FromQuery(Name = "revision")] Param<int>? revisionParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        var revision = revisionParam?.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await LoadAsync(connection, null, id, revision, ct) is { } source) return TypedResults.Ok(source);
        return revision is null || await LoadAsync(connection, null, id, null, ct) is null
            ? Problems.NotFound("Source", id)
            : TypedResults.Problem(statusCode: 404, title: "Revision not found.", detail: $"Source {id} has no revision {revision}.");
    }

    public static async Task<SourceDetail?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long id, int? revision, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<SourceRow>(new CommandDefinition($"""
            select {SourceRow.Columns}, r.body,
                   (select count(*) from passages p where p.source_id = s.id) as passage_count,
                   {ClaimCountSql} as claim_count
            from sources s
            join curators c on c.id = s.created_by
            join lateral (
                select * from source_revisions r
                where r.source_id = s.id and (@revision::int is null or r.number = @revision)
                order by r.number desc limit 1
            ) r on true
            where s.id = @id
            """, new { id, revision }, tx, cancellationToken: ct));
        return row?.ToDetail();
    }

    // Claims this source evidences, retracted ones excluded.
    internal const string ClaimCountSql = """
        (select count(distinct e.claim_id) from claim_evidence e join claims k on k.id = e.claim_id
         where e.source_id = s.id and k.status <> 'retracted')
        """;
}

/// <summary>One source with one of its revisions, as read by the source queries.</summary>
internal sealed class SourceRow
{
    public const string Columns = """
        s.id, s.title, s.subtitle, s.outlet, s.authors, s.url, s.language, s.published_on, s.published_precision,
        s.provenance::text as provenance, c.name as created_by, s.created_at,
        r.number as revision_number, r.body_sha256, r.length, r.retrieved_on, r.created_at as revision_created_at,
        s.republishes_source_id, (select o.title from sources o where o.id = s.republishes_source_id) as republishes_title,
        s.republishes_agency_id, (select a.name from subjects a where a.id = s.republishes_agency_id) as republishes_agency
        """;

    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string? Subtitle { get; init; }
    public string? Outlet { get; init; }
    public string[] Authors { get; init; } = [];
    public string? Url { get; init; }
    public string Language { get; init; } = "";
    public DateOnly? PublishedOn { get; init; }
    public string? PublishedPrecision { get; init; }
    public string Provenance { get; init; } = "{}";
    public string CreatedBy { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public int RevisionNumber { get; init; }
    public byte[] BodySha256 { get; init; } = [];
    public int Length { get; init; }
    public DateOnly? RetrievedOn { get; init; }
    public DateTime RevisionCreatedAt { get; init; }
    public string? Body { get; init; }
    public long PassageCount { get; init; }
    public long ClaimCount { get; init; }
    public long? RepublishesSourceId { get; init; }
    public string? RepublishesTitle { get; init; }
    public long? RepublishesAgencyId { get; init; }
    public string? RepublishesAgency { get; init; }

    public PartialDate? Published => PartialDate.FromDb(PublishedOn, PublishedPrecision);

    public RevisionSummary Revision => new(RevisionNumber, Convert.ToHexStringLower(BodySha256), Length,
        RetrievedOn?.ToString("yyyy-MM-dd"), RevisionCreatedAt);

    public SourceDetail ToDetail() => new(
        Id, Title, Subtitle, Outlet, Authors, Url, Language, DateView.From(Published),
        JsonSerializer.Deserialize<Dictionary<string, string>>(Provenance) ?? [],
        Revision, Body ?? "", PassageCount, ClaimCount, CreatedBy, CreatedAt,
        RepublishesSourceId is null && RepublishesAgencyId is null
            ? null : new SourceOrigin(RepublishesSourceId, RepublishesTitle, RepublishesAgencyId, RepublishesAgency));

    public SourceSummary ToSummary() => new(
        Id, Title, Subtitle, Outlet, Authors, Url, Language, DateView.From(Published), Revision, CreatedBy, CreatedAt);
}
