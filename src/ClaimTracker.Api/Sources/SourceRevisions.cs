using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Sources;

/// <param name="Body">The corrected article's full text.</param>
/// <param name="Note">What changed, or where the correction came from.</param>
/// <param name="RetrievedOn">The day this text was retrieved (YYYY-MM-DD).</param>
public sealed record AddRevisionRequest(string Body, string? Note = null, string? RetrievedOn = null)
{
    public sealed class Validator : AbstractValidator<AddRevisionRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Body).Must(b => !string.IsNullOrWhiteSpace(b)).WithMessage("must not be empty.").MaximumLength(CreateSourceRequest.MaxBodyLength);
            RuleFor(r => r.Note).MaximumLength(2_000);
            RuleFor(r => r.RetrievedOn).PartialDate(dayOnly: true);
        }
    }
}

/// <summary>Where a passage stands in a revision.</summary>
/// <param name="Start">Code-point offset in that revision.</param>
public sealed record PassagePosition(int Start, int End, string Exact, string Prefix, string Suffix);

/// <summary>A passage_anchors row: how a passage was followed into a revision.</summary>
internal class AnchorRow
{
    public long PassageId { get; init; }
    public string State { get; init; } = "";
    public decimal Score { get; init; }
    public string FromExact { get; init; } = "";
    public int? StartOffset { get; init; }
    public int? EndOffset { get; init; }
    public string? Exact { get; init; }
    public string? Prefix { get; init; }
    public string? Suffix { get; init; }
    public string Candidates { get; init; } = "[]";

    /// <summary>Where the passage stands in the revision; null for an orphan or an ambiguous passage.</summary>
    public PassagePosition? Now => StartOffset is { } start ? new PassagePosition(start, EndOffset!.Value, Exact!, Prefix!, Suffix!) : null;

    public AnchorCandidate[] CandidateList => JsonSerializer.Deserialize<AnchorCandidate[]>(Candidates, Json) ?? [];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <param name="State">exact, moved, fuzzy (needs review), orphaned (needs review) or ambiguous (needs review).</param>
/// <param name="Score">1 for exact and moved; for fuzzy the match's score; for ambiguous the best candidate's; for
/// orphaned the best score rejected (docs/anchoring.md).</param>
/// <param name="Before">The passage's text in the revision it was followed from.</param>
/// <param name="Now">Where it stands in this revision; null when orphaned or ambiguous.</param>
/// <param name="Candidates">The places weighed, best first: for ambiguous, the ones too close to call, for a curator
/// to choose from; for moved and fuzzy, the chosen place and the ones it beat. Empty for exact.</param>
public sealed record PassageReanchor(long PassageId, AnchorState State, double Score, string Before, PassagePosition? Now, AnchorCandidate[] Candidates);

public sealed record AnchorCounts(int Exact, int Moved, int Fuzzy, int Orphaned, int Ambiguous);

/// <param name="Changed">False when the text equals the latest revision: nothing was written.</param>
/// <param name="Passages">How each passage of the source was followed into this revision.</param>
/// <param name="DerivedClaims">Claims made because a figure in a passage changed; each conflicts with the claim it came from.</param>
public sealed record RevisionDetail(
    long SourceId, int Number, string Sha256, int Length, string? RetrievedOn, string? Note, string CreatedBy, DateTime CreatedAt,
    bool Changed, AnchorCounts Anchors, PassageReanchor[] Passages, long[] DerivedClaims);

public static class SourceRevisions
{
    public static async Task<Results<Created<RevisionDetail>, Ok<RevisionDetail>, ProblemHttpResult>> Add(
        [FromRoute(Name = "id")] Param<long> idParam, AddRevisionRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        // One revision at a time per source: numbers stay dense and each is followed from the one before.
        var latest = await connection.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition("""
            select r.id, r.number, r.body, r.body_sha256 from sources s
            join lateral (select * from source_revisions where source_id = s.id order by number desc limit 1) r on true
            where s.id = @id
            for update of s
            """, new { id }, tx, cancellationToken: ct));
        if (latest is null) return Problems.NotFound("Source", id);

        var body = CodePoints.Nfc(request.Body);
        var sha = CreateSource.Sha256(body);
        if (sha.AsSpan().SequenceEqual(latest.BodySha256))
        {
            // The same text again: nothing changes.
            return TypedResults.Ok((await LoadAsync(connection, tx, id, latest.Number, ct))! with { Changed = false });
        }

        var number = latest.Number + 1;
        var text = new CodePoints(body);
        var revisionId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into source_revisions (source_id, number, body, body_sha256, length, retrieved_on, note, created_by)
            values (@id, @number, @body, @sha, @length, @retrievedOn, @note, @curator)
            returning id
            """,
            new { id, number, body, sha, length = text.Length, retrievedOn = PartialDate.ParseOrNull(request.RetrievedOn)?.Start,
                  note = request.Note?.Trim(), curator = write.CuratorId }, tx, cancellationToken: ct));
        await SourceFingerprints.WriteAsync(connection, tx, id, number, body, ct);

        var results = await ReanchorAsync(connection, tx, id, latest, revisionId, text, ct);
        var derived = await DeriveChangedFiguresAsync(connection, tx, id, number, revisionId, text, results, write.CuratorId, ct);
        // The passages' standing changed: every claim they support is brought up to date with them.
        await ClaimWrites.RefreshAsync(write.Context(ct), [.. await connection.QueryAsync<long>(new CommandDefinition(
            "select distinct claim_id from claim_evidence where source_id = @id", new { id }, tx, cancellationToken: ct))]);
        var detail = (await LoadAsync(connection, tx, id, number, ct))! with { DerivedClaims = derived };
        return await write.CommitAsync(TypedResults.Created($"/sources/{id}/revisions/{number}", detail), ct);
    }

    private sealed class RevisionRow
    {
        public long Id { get; init; }
        public int Number { get; init; }
        public string Body { get; init; } = "";
        public byte[] BodySha256 { get; init; } = [];
    }

    private sealed class Standing
    {
        public long Id { get; init; }
        public string State { get; init; } = "";
        public int? StartOffset { get; init; }
        public int? EndOffset { get; init; }
        public string Exact { get; init; } = "";
        public string Prefix { get; init; } = "";
        public string Suffix { get; init; } = "";
    }

    /// <summary>Follows every passage of the source from the previous latest revision into the new one.</summary>
    private static async Task<List<(long PassageId, Reanchored Result, string Before)>> ReanchorAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long sourceId, RevisionRow previous, long revisionId, CodePoints text, CancellationToken ct)
    {
        // Each passage as it stood in the previous revision: its own anchor if made there, else its anchor row; an
        // orphan or ambiguous passage is followed from the last quote it had.
        var standings = await connection.QueryAsync<Standing>(new CommandDefinition("""
            select p.id, coalesce(a.state, 'exact') as state,
                   case when p.revision_id = @previous then p.start_offset else a.start_offset end as start_offset,
                   case when p.revision_id = @previous then p.end_offset else a.end_offset end as end_offset,
                   coalesce(case when p.revision_id = @previous then p.exact else a.exact end, last.exact, p.exact) as exact,
                   coalesce(case when p.revision_id = @previous then p.prefix else a.prefix end, last.prefix, p.prefix) as prefix,
                   coalesce(case when p.revision_id = @previous then p.suffix else a.suffix end, last.suffix, p.suffix) as suffix
            from passages p
            left join passage_anchors a on a.passage_id = p.id and a.revision_id = @previous
            left join lateral (
                select l.exact, l.prefix, l.suffix from passage_anchors l
                where l.passage_id = p.id and l.start_offset is not null order by l.revision_id desc limit 1
            ) last on true
            where p.source_id = @sourceId
            order by p.id
            """, new { sourceId, previous = previous.Id }, tx, cancellationToken: ct));

        var previousText = new CodePoints(previous.Body);
        var map = Reanchoring.TextMap.Of(previousText, text);
        var results = new List<(long, Reanchored, string)>();
        foreach (var s in standings)
        {
            var placed = s.StartOffset is { } start && s.EndOffset is { } end;
            var old = new Anchor(s.StartOffset ?? 0, s.EndOffset ?? 0, s.Exact, s.Prefix, s.Suffix);
            // A quote that recurred in the previous text needed its context to be told apart from its repeats.
            var repeats = Anchoring.Occurrences(previousText, s.Exact).Take(2).Count();
            results.Add((s.Id, Reanchoring.Reanchor(text, placed ? map : null, old, repeats), s.Exact));
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            insert into passage_anchors (passage_id, revision_id, state, start_offset, end_offset, exact, prefix, suffix, score, from_exact, candidates)
            select x.passage_id, @revisionId, x.state, x.start_offset, x.end_offset, x.exact, x.prefix, x.suffix, x.score, x.from_exact, x.candidates::jsonb
            from unnest(@ids, @states, @starts, @ends, @exacts, @prefixes, @suffixes, @scores, @befores, @candidates)
                as x (passage_id, state, start_offset, end_offset, exact, prefix, suffix, score, from_exact, candidates);
            update passages p set state = x.state, state_revision_id = @revisionId
            from unnest(@ids, @states) as x (passage_id, state)
            where p.id = x.passage_id;
            """,
            new
            {
                revisionId,
                ids = results.Select(r => r.Item1).ToArray(),
                states = results.Select(r => r.Item2.State.Db()).ToArray(),
                starts = results.Select(r => r.Item2.Anchor?.Start).ToArray(),
                ends = results.Select(r => r.Item2.Anchor?.End).ToArray(),
                exacts = results.Select(r => r.Item2.Anchor?.Exact).ToArray(),
                prefixes = results.Select(r => r.Item2.Anchor?.Prefix).ToArray(),
                suffixes = results.Select(r => r.Item2.Anchor?.Suffix).ToArray(),
                scores = results.Select(r => (decimal)r.Item2.Score).ToArray(),
                befores = results.Select(r => r.Item3).ToArray(),
                candidates = results.Select(r => JsonSerializer.Serialize(r.Item2.Candidates, AnchorRow.Json)).ToArray(),
            }, tx, cancellationToken: ct));
        return results;
    }

    private static readonly Regex Figure = new(@"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", RegexOptions.Compiled);

    /// <summary>
    /// When a followed passage now states one figure where it stated another ("2,500" became "2,000"), each
    /// quantity claim it supports that stated the old figure gets a revision note, and a new claim states the new
    /// figure from the new revision's passage: the conflict rules then set the two side by side.
    /// </summary>
    private static async Task<long[]> DeriveChangedFiguresAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long sourceId, int number, long revisionId, CodePoints text,
        List<(long PassageId, Reanchored Result, string Before)> results, long curatorId, CancellationToken ct)
    {
        var derived = new List<long>();
        foreach (var (passageId, result, before) in results.Where(r => r.Result.State == AnchorState.Fuzzy))
        {
            var was = Figures(before);
            var now = Figures(result.Anchor!.Exact);
            var gone = was.Except(now).ToList();
            var come = now.Except(was).ToList();
            if (gone.Count != 1 || come.Count != 1) continue;
            var (oldFigure, newFigure) = (gone[0], come[0]);

            var claimIds = (await connection.QueryAsync<long>(new CommandDefinition("""
                select c.id from claim_evidence e join claims c on c.id = e.claim_id
                where e.passage_id = @passageId and e.stance = 'supports' and c.status <> 'retracted' and c.value_kind = 'quantity'
                  and (c.amount = @figure or c.lower_bound = @figure or c.upper_bound = @figure)
                order by c.id
                """, new { passageId, figure = oldFigure.Value }, tx, cancellationToken: ct))).ToList();
            if (claimIds.Count == 0) continue;

            var newPassage = await CreatePassage.AnchorAsync(connection, tx, sourceId,
                new CreatePassageRequest(result.Anchor.Start, result.Anchor.End), curatorId, ct);
            foreach (var claimId in claimIds)
            {
                var claim = (await ClaimQuery.LoadAsync(connection, tx, claimId, ct))!;
                var v = claim.Value;
                var value = new ClaimValueInput(ValueKind.Quantity,
                    v.Amount == oldFigure.Value ? newFigure.Value : v.Amount,
                    v.LowerBound == oldFigure.Value ? newFigure.Value : v.LowerBound,
                    v.UpperBound == oldFigure.Value ? newFigure.Value : v.UpperBound,
                    v.Unit, v.Approximation, v.Tolerance, StatedAs: v.StatedAs?.Replace(oldFigure.Text, newFigure.Text));
                var change = $"\u201c{oldFigure.Text}\u201d became \u201c{newFigure.Text}\u201d";
                var request = new CreateClaimRequest(claim.Property.Key, value, [new EvidenceInput(PassageId: newPassage.PassageId)],
                    SubjectId: claim.Subject.Id, AssertedById: claim.AssertedBy?.Id,
                    ValidFrom: claim.ValidTime?.From?.Date, ValidTo: claim.ValidTime?.To?.Date, StatedOn: claim.StatedOn?.Date,
                    Location: claim.Location,
                    Note: $"Derived from revision {number} of source {sourceId}, where the passage of claim {claimId} changed: {change}.");
                var w = new WriteContext(connection, tx, curatorId, ct);
                var (made, problem) = await ClaimWrites.CreateAsync(w, request);
                if (made is null) throw new InvalidOperationException($"Deriving a claim from claim {claimId} failed: {problem?.ProblemDetails.Detail}");
                derived.Add(made.Id);
                await ClaimWrites.NoteAsync(w, claimId,
                    $"Revision {number} of source {sourceId} changed this claim's passage: {change}. Claim {made.Id} states the new figure.");
            }
        }
        return [.. derived];
    }

    private sealed record FigureText(string Text, decimal Value);

    private static List<FigureText> Figures(string text) =>
        [.. Figure.Matches(text).Select(m => new FigureText(m.Value, Text.Figure.Read(m.Value) ?? 0)).DistinctBy(f => f.Value)];

    public static async Task<Results<Ok<RevisionDetail>, ProblemHttpResult>> Get([FromRoute(Name = "id")] Param<long> idParam, [FromRoute(Name = "number")] Param<int> numberParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        var number = numberParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, id, number, ct) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem(statusCode: 404, title: "Revision not found.", detail: $"Source {id} has no revision {number}.");
    }

    public static async Task<Results<Ok<RevisionDetail[]>, ProblemHttpResult>> List([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        var numbers = (await connection.QueryAsync<int>(new CommandDefinition(
            "select number from source_revisions where source_id = @id order by number", new { id }, cancellationToken: ct))).ToList();
        if (numbers.Count == 0) return Problems.NotFound("Source", id);
        var list = new List<RevisionDetail>();
        foreach (var n in numbers) list.Add((await LoadAsync(connection, null, id, n, ct))!);
        return TypedResults.Ok(list.ToArray());
    }

    private sealed class LoadedRevision
    {
        public long Id { get; init; }
        public int Number { get; init; }
        public byte[] BodySha256 { get; init; } = [];
        public int Length { get; init; }
        public DateOnly? RetrievedOn { get; init; }
        public string? Note { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTime CreatedAt { get; init; }
    }

    public static async Task<RevisionDetail?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long sourceId, int number, CancellationToken ct)
    {
        var revision = await connection.QuerySingleOrDefaultAsync<LoadedRevision>(new CommandDefinition("""
            select r.id, r.number, r.body_sha256, r.length, r.retrieved_on, r.note, c.name as created_by, r.created_at
            from source_revisions r join curators c on c.id = r.created_by
            where r.source_id = @sourceId and r.number = @number
            """, new { sourceId, number }, tx, cancellationToken: ct));
        if (revision is null) return null;
        // A revision's passages: the ones followed into it, and the ones made in it (exact by definition).
        var anchors = (await connection.QueryAsync<AnchorRow>(new CommandDefinition("""
            select passage_id, state, score, from_exact, start_offset, end_offset, exact, prefix, suffix, candidates::text
            from passage_anchors where revision_id = @id
            union all
            select id, 'exact', 1, exact, start_offset, end_offset, exact, prefix, suffix, '[]'
            from passages where revision_id = @id
            order by passage_id
            """, new { id = revision.Id }, tx, cancellationToken: ct))).ToList();
        var passages = anchors.Select(a => new PassageReanchor(
            a.PassageId, DbEnum.Parse<AnchorState>(a.State), (double)a.Score, a.FromExact, a.Now, a.CandidateList)).ToArray();
        int Count(AnchorState state) => passages.Count(p => p.State == state);
        return new RevisionDetail(sourceId, revision.Number, Convert.ToHexStringLower(revision.BodySha256), revision.Length,
            revision.RetrievedOn?.ToString("yyyy-MM-dd"), revision.Note, revision.CreatedBy, revision.CreatedAt, true,
            new AnchorCounts(Count(AnchorState.Exact), Count(AnchorState.Moved), Count(AnchorState.Fuzzy), Count(AnchorState.Orphaned),
                Count(AnchorState.Ambiguous)),
            passages, []);
    }
}
