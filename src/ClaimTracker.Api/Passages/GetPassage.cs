using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Passages;

/// <param name="Revision">The number of the source revision the offsets count in.</param>
/// <param name="Start">TextPositionSelector start: code-point offset of the first character.</param>
/// <param name="End">TextPositionSelector end: code-point offset just past the last character.</param>
/// <param name="Exact">TextQuoteSelector exact: the passage's text.</param>
/// <param name="Prefix">TextQuoteSelector prefix: up to 32 code points before the passage.</param>
/// <param name="Suffix">TextQuoteSelector suffix: up to 32 code points after the passage.</param>
/// <param name="State">Where the passage stands in its source's latest revision: exact, moved, fuzzy, orphaned or ambiguous.</param>
/// <param name="Current">Where it stands in the latest revision, when the source has been revised since (null when orphaned or ambiguous).</param>
/// <param name="CurrentRevision">The revision Current counts in.</param>
public sealed record PassageDetail(
    long Id,
    long SourceId,
    int Revision,
    int Start,
    int End,
    string Exact,
    string Prefix,
    string Suffix,
    AnchorState State,
    int CurrentRevision,
    Sources.PassagePosition? Current,
    PassageSource Source,
    string CreatedBy,
    DateTime CreatedAt);

/// <param name="Published">When the source was published: the date its claims were reported.</param>
public sealed record PassageSource(long Id, string Title, string? Outlet, DateView? Published);

public static class GetPassage
{
    public static async Task<Results<Ok<PassageDetail>, ProblemHttpResult>> Handle([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await PassageRow.QueryAsync(connection, null, "p.id = @id", new { id }, ct);
        return rows.Count == 1 ? TypedResults.Ok(rows[0].ToDetail()) : Problems.NotFound("Passage", id);
    }
}

internal sealed class PassageRow
{
    public long Id { get; init; }
    public long SourceId { get; init; }
    public int Revision { get; init; }
    public int StartOffset { get; init; }
    public int EndOffset { get; init; }
    public string Exact { get; init; } = "";
    public string Prefix { get; init; } = "";
    public string Suffix { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Outlet { get; init; }
    public DateOnly? PublishedOn { get; init; }
    public string? PublishedPrecision { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public string State { get; init; } = "exact";
    public int? CurrentRevision { get; init; }
    public int? CurrentStart { get; init; }
    public int? CurrentEnd { get; init; }
    public string? CurrentExact { get; init; }
    public string? CurrentPrefix { get; init; }
    public string? CurrentSuffix { get; init; }

    public static async Task<List<PassageRow>> QueryAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string where, object parameters, CancellationToken ct, string orderAndLimit = "") =>
        (await connection.QueryAsync<PassageRow>(new CommandDefinition($"""
            select p.id, p.source_id, r.number as revision, p.start_offset, p.end_offset, p.exact, p.prefix, p.suffix,
                   s.title, s.outlet, s.published_on, s.published_precision, c.name as created_by, p.created_at,
                   p.state, cr.number as current_revision, a.start_offset as current_start, a.end_offset as current_end,
                   a.exact as current_exact, a.prefix as current_prefix, a.suffix as current_suffix
            from passages p
            join source_revisions r on r.id = p.revision_id
            left join passage_anchors a on a.passage_id = p.id and a.revision_id = p.state_revision_id
            left join source_revisions cr on cr.id = p.state_revision_id
            join sources s on s.id = p.source_id
            join curators c on c.id = p.created_by
            where {where}
            {orderAndLimit}
            """, parameters, tx, cancellationToken: ct))).ToList();

    public PassageDetail ToDetail()
    {
        var current = CurrentRevision is null
            ? new Sources.PassagePosition(StartOffset, EndOffset, Exact, Prefix, Suffix)
            : CurrentStart is { } s ? new Sources.PassagePosition(s, CurrentEnd!.Value, CurrentExact!, CurrentPrefix!, CurrentSuffix!) : null;
        return new(Id, SourceId, Revision, StartOffset, EndOffset, Exact, Prefix, Suffix,
            DbEnum.Parse<AnchorState>(State), CurrentRevision ?? Revision, current,
            new PassageSource(SourceId, Title, Outlet, DateView.FromDb(PublishedOn, PublishedPrecision)), CreatedBy, CreatedAt);
    }
}
