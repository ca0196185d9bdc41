using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Sources;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Passages;

/// <param name="Revision">The source's latest revision, the one the passage was followed into.</param>
/// <param name="Before">The passage's text before that revision.</param>
/// <param name="Now">Where a fuzzy match puts it now; null for an orphan or an ambiguous passage.</param>
/// <param name="Candidates">The places weighed, best first; for an ambiguous passage, the ones a curator chooses from.</param>
/// <param name="Claims">The claims the passage is evidence of.</param>
public sealed record PassageToReview(
    long PassageId, long SourceId, string SourceTitle, int Revision, AnchorState State, double Score, string Before, PassagePosition? Now,
    AnchorCandidate[] Candidates, long[] Claims);

public static class PassagesForReview
{
    public sealed record Position(long Id);

    /// <param name="source">Only passages of this source: its id, e.g. 2.</param>
    public static async Task<Ok<Page<PassageToReview>>> Handle(
        [FromQuery(Name = "source")] Param<long>? source, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var (after, take) = (page.After, page.Take);
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            select p.id as passage_id, p.source_id, s.title as source_title, r.number as revision, a.state, a.score, a.from_exact,
                   a.start_offset, a.end_offset, a.exact, a.prefix, a.suffix, a.candidates::text as candidates,
                   array(select e.claim_id from claim_evidence e where e.passage_id = p.id order by e.claim_id) as claims
            from passages p
            join passage_anchors a on a.passage_id = p.id and a.revision_id = p.state_revision_id
            join source_revisions r on r.id = a.revision_id
            join sources s on s.id = p.source_id
            where p.state in ('fuzzy', 'orphaned', 'ambiguous')
              and (@source::bigint is null or p.source_id = @source)
              and (@afterId::bigint is null or p.id > @afterId)
            order by p.id
            limit @limit
            """, new { source = source?.Value, afterId = after?.Id, limit = take + 1 }, cancellationToken: ct))).ToList();
        var next = page.Next(rows, r => new Position(r.PassageId));
        return TypedResults.Ok(new Page<PassageToReview>([.. rows.Take(take).Select(r => new PassageToReview(
            r.PassageId, r.SourceId, r.SourceTitle, r.Revision, DbEnum.Parse<AnchorState>(r.State), (double)r.Score, r.FromExact, r.Now, r.CandidateList, r.Claims))], next));
    }

    private sealed class Row : AnchorRow
    {
        public long SourceId { get; init; }
        public string SourceTitle { get; init; } = "";
        public int Revision { get; init; }
        public long[] Claims { get; init; } = [];
    }
}
