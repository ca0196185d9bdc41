using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Sources;

public enum CopyState { Open, Confirmed, Dismissed }

public enum CopyOriginal { This, Other }

/// <summary>A stretch of a source's latest text, in code points.</summary>
public sealed record CopyPassage(int Start, int End, string Exact);

/// <summary>Another source whose text is largely this one's: a copy of it, or the original it copies.</summary>
/// <param name="SourceId">The other source.</param>
/// <param name="Shared">How many of the sampled eight-word runs the two texts share.</param>
/// <param name="Containment">The share of the shorter text's words that lie in eight-word runs the other text has too: 1
/// when the shorter text is wholly in the longer.</param>
/// <param name="Original">Which of the two looks like the original: the one published first, else (same or unknown
/// dates) the one stored first. this or other; a curator decides.</param>
/// <param name="State">open (proposed), confirmed (one republishes the other) or dismissed (a curator said it is no copy).</param>
/// <param name="ThisPassage">The longest stretch of words the two share, in this source's text.</param>
/// <param name="OtherPassage">The same stretch in the other source's text.</param>
/// <param name="ConfirmHref">Where to confirm it (POST): the copy's path, naming the original. Null once confirmed.</param>
public sealed record CopyProposal(
    long SourceId, string Title, string? Outlet, string? Published, int Shared, double Containment,
    CopyOriginal Original, CopyState State, CopyPassage? ThisPassage, CopyPassage? OtherPassage, string? ConfirmHref);

/// <param name="Items">At most 50, the most contained first.</param>
public sealed record CopyList(long SourceId, IReadOnlyList<CopyProposal> Items);

/// <param name="Reason">Why the pair is no copy, e.g. two reports quoting the same statement.</param>
public sealed record DismissCopyRequest(string? Reason = null)
{
    public sealed class Validator : AbstractValidator<DismissCopyRequest>
    {
        public Validator() => RuleFor(r => r.Reason).MaximumLength(2_000);
    }
}

/// <summary>
/// Wire copies found in the texts (<see cref="SourceFingerprints"/>): a pair of sources is proposed as original and copy
/// when at least three quarters of the shorter latest text's words lie in eight-word runs the other has too. Confirming sets the copy's
/// republishesSourceId, so its own voice is the original's (db/functions/claim_voice.sql); dismissing keeps the pair
/// from being proposed again.
/// </summary>
public static class SourceCopies
{
    /// <summary>
    /// At least this share of the shorter text's words in runs the other has: a copy, even cut hard or edited in every
    /// sentence, keeps more; two stories sharing a statement, an outlet's background paragraph or a release's template
    /// and disclaimer keep less, since what each reports (its lead, its facts) is its own.
    /// </summary>
    public const double MinContainment = 0.75;

    /// <summary>At least this many shared sampled runs, so that two one-line items are not proposed on one common phrase.</summary>
    public const int MinShared = 3;

    /// <summary>
    /// The sources compared word by word: those sharing at least this share of the shorter fingerprint (a text edited in
    /// every sentence keeps about a third of its runs while three quarters of its words stay in shared runs), at most
    /// <see cref="Compared"/> of them, the most contained first.
    /// </summary>
    private const double MinSampledContainment = 0.2;

    private const int Compared = 200;

    private const int Listed = 50;

    // The sources sharing a sampled run with this one (the GIN index on hashes finds them), how many they share, and the
    // share of the shorter fingerprint that is.
    private const string CandidatesSql = """
        with mine as (select hashes from source_fingerprints where source_id = @id),
        shared as (
            select f.source_id, (select count(*) from unnest(f.hashes) h where h = any(m.hashes))::int as shared,
                   least(cardinality(f.hashes), cardinality(m.hashes)) as smaller
            from source_fingerprints f cross join mine m
            where f.hashes && m.hashes and f.source_id <> @id and (@other::bigint is null or f.source_id = @other)
        )
        select s.source_id, so.title, so.outlet, so.published_on, so.published_precision, so.republishes_source_id,
               s.shared, s.shared::float8 / greatest(1, s.smaller) as containment,
               me.published_on as my_published_on, me.republishes_source_id as my_republishes_source_id,
               exists (select 1 from source_copy_dismissals d
                       where d.source_id = least(@id, s.source_id) and d.other_id = greatest(@id, s.source_id)) as dismissed
        from shared s join sources so on so.id = s.source_id cross join sources me
        where me.id = @id
        """;

    private sealed class Row
    {
        public long SourceId { get; init; }
        public string Title { get; init; } = "";
        public string? Outlet { get; init; }
        public DateOnly? PublishedOn { get; init; }
        public string? PublishedPrecision { get; init; }
        public long? RepublishesSourceId { get; init; }
        public int Shared { get; init; }
        public double Containment { get; init; }
        public DateOnly? MyPublishedOn { get; init; }
        public long? MyRepublishesSourceId { get; init; }
        public bool Dismissed { get; init; }
    }

    public static async Task<Results<Ok<CopyList>, ProblemHttpResult>> List([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await ExistsAsync(connection, null, id, ct)) return Problems.NotFound("Source", id);
        // Compared: enough shared in the samples; proposed: enough of the words. Listed too, whatever they share: the pairs confirmed.
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition($"""
            select * from ({CandidatesSql}) c
            where c.shared >= @minShared and c.containment >= @minSampled or c.republishes_source_id = @id or c.my_republishes_source_id = c.source_id
            order by c.republishes_source_id = @id or c.my_republishes_source_id = c.source_id desc, c.containment desc, c.source_id limit @compared
            """, new { id, other = (long?)null, minShared = MinShared, minSampled = MinSampledContainment, compared = Compared }, cancellationToken: ct))).ToList();
        var texts = await TextsAsync(connection, null, [id, .. rows.Select(r => r.SourceId)], ct);
        var mine = SourceFingerprints.Words(texts[id]);
        var proposals = rows.Select(r => Proposal(id, r, texts, mine))
            .Where(p => p.State == CopyState.Confirmed || p.Containment >= MinContainment)
            .OrderByDescending(p => p.Containment).ThenBy(p => p.SourceId).Take(Listed);
        return TypedResults.Ok(new CopyList(id, [.. proposals]));
    }

    /// <summary>Records that {id} republishes {other}, and answers the pair as the copy's list now shows it.</summary>
    /// <param name="otherParam">The original's id: the source that {id} copies, e.g. 2.</param>
    public static async Task<Results<Ok<CopyProposal>, ProblemHttpResult, ValidationProblem>> Confirm(
        [FromRoute(Name = "id")] Param<long> idParam, [FromRoute(Name = "other")] Param<long> otherParam, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (id, other) = (idParam.Value, otherParam.Value);
        if (id == other) return Problems.BadParameter("other", "must be another source than id: a source is not its own copy.");
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var (pair, missing) = await LockPairAsync(connection, tx, id, other, ct);
        if (missing is not null) return missing;
        var (current, others) = pair!.Value;
        if (current is { } stated && stated != other)
        {
            return Problems.Conflict("Source already republishes another.",
                $"Source {id} republishes source {stated}; a source copies one original.", new Dictionary<string, object?> { ["republishesSourceId"] = stated });
        }
        if (others == id || await RepublishesAsync(connection, tx, other, id, ct))
        {
            return Problems.Conflict("The other source copies this one.",
                $"Source {other} republishes source {id}, directly or through others; confirm the copy the other way round, or not at all.");
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            update sources set republishes_source_id = @other where id = @id;
            delete from source_copy_dismissals where source_id = least(@id, @other) and other_id = greatest(@id, @other);
            """, new { id, other }, tx, cancellationToken: ct));
        var proposal = await PairAsync(connection, tx, id, other, ct);
        return await write.CommitAsync(TypedResults.Ok(proposal), ct);
    }

    /// <summary>Records that {id} and {other} are no copies of each other.</summary>
    /// <param name="otherParam">The other source's id, e.g. 2.</param>
    public static async Task<Results<Ok<CopyProposal>, ProblemHttpResult, ValidationProblem>> Dismiss(
        [FromRoute(Name = "id")] Param<long> idParam, [FromRoute(Name = "other")] Param<long> otherParam, DismissCopyRequest? request,
        NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (id, other) = (idParam.Value, otherParam.Value);
        if (id == other) return Problems.BadParameter("other", "must be another source than id.");
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var (pair, missing) = await LockPairAsync(connection, tx, id, other, ct);
        if (missing is not null) return missing;
        var (current, others) = pair!.Value;
        if (current == other || others == id)
        {
            return Problems.Conflict("The copy is confirmed.", $"One of sources {id} and {other} republishes the other; a confirmed copy is not dismissed.");
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into source_copy_dismissals (source_id, other_id, reason, created_by)
            values (least(@id, @other), greatest(@id, @other), @reason, @curator)
            on conflict (source_id, other_id) do update set reason = coalesce(excluded.reason, source_copy_dismissals.reason)
            """, new { id, other, reason = request?.Reason, curator = write.CuratorId }, tx, cancellationToken: ct));
        var proposal = await PairAsync(connection, tx, id, other, ct);
        return await write.CommitAsync(TypedResults.Ok(proposal), ct);
    }

    /// <summary>
    /// Locks both sources, in id order (two decisions on one pair, in opposite directions, take turns), and gives what
    /// each republishes; or the 404 of the one that does not exist.
    /// </summary>
    private static async Task<((long? Id, long? Other)? Pair, ProblemHttpResult? Missing)> LockPairAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long id, long other, CancellationToken ct)
    {
        var locked = (await connection.QueryAsync<(long Id, long? RepublishesSourceId)>(new CommandDefinition(
            "select id, republishes_source_id from sources where id = any(@ids) order by id for update", new { ids = new[] { id, other } }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.Id, r => r.RepublishesSourceId);
        if (!locked.TryGetValue(id, out var mine)) return (null, Problems.NotFound("Source", id));
        if (!locked.TryGetValue(other, out var theirs)) return (null, Problems.NotFound("Source", other));
        return ((mine, theirs), null);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long id, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from sources where id = @id)", new { id }, tx, cancellationToken: ct));

    // Whether from republishes to, through any chain of copies (claim_voice follows the same chain, ten deep).
    private static async Task<bool> RepublishesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long from, long to, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            with recursive chain (id, depth) as (
                select republishes_source_id, 1 from sources where id = @from and republishes_source_id is not null
                union all
                select s.republishes_source_id, c.depth + 1 from chain c join sources s on s.id = c.id
                where s.republishes_source_id is not null and c.depth < 10
            )
            select exists (select 1 from chain where id = @to)
            """, new { from, to }, tx, cancellationToken: ct));

    // The pair as {id}'s list shows it, whether or not the texts share enough to be proposed.
    private static async Task<CopyProposal> PairAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, long other, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(CandidatesSql, new { id, other }, tx, cancellationToken: ct));
        row ??= await connection.QuerySingleAsync<Row>(new CommandDefinition("""
            select so.id as source_id, so.title, so.outlet, so.published_on, so.published_precision, so.republishes_source_id, 0 as shared,
                   0::float8 as containment, me.published_on as my_published_on, me.republishes_source_id as my_republishes_source_id,
                   exists (select 1 from source_copy_dismissals d where d.source_id = least(@id, @other) and d.other_id = greatest(@id, @other)) as dismissed
            from sources so cross join sources me where so.id = @other and me.id = @id
            """, new { id, other }, tx, cancellationToken: ct));
        var texts = await TextsAsync(connection, tx, [id, other], ct);
        return Proposal(id, row, texts, SourceFingerprints.Words(texts[id]));
    }

    private static async Task<Dictionary<long, string>> TextsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long[] ids, CancellationToken ct) =>
        (await connection.QueryAsync<(long SourceId, string Body)>(new CommandDefinition("""
            select distinct on (source_id) source_id, body from source_revisions where source_id = any(@ids) order by source_id, number desc
            """, new { ids }, tx, cancellationToken: ct))).ToDictionary(r => r.SourceId, r => r.Body);

    private static CopyProposal Proposal(long id, Row r, Dictionary<long, string> texts, List<SourceFingerprints.Word> myWords)
    {
        var confirmed = r.RepublishesSourceId == id || r.MyRepublishesSourceId == r.SourceId;
        var original = confirmed
            ? r.MyRepublishesSourceId == r.SourceId ? CopyOriginal.Other : CopyOriginal.This
            : (r.MyPublishedOn, r.PublishedOn) switch
            {
                ({ } mine, { } theirs) when mine != theirs => mine < theirs ? CopyOriginal.This : CopyOriginal.Other,
                ({ }, null) => CopyOriginal.This,
                (null, { }) => CopyOriginal.Other,
                _ => id < r.SourceId ? CopyOriginal.This : CopyOriginal.Other,
            };
        var state = confirmed ? CopyState.Confirmed : r.Dismissed ? CopyState.Dismissed : CopyState.Open;
        var compared = Compare(texts[id], myWords, texts[r.SourceId], SourceFingerprints.Words(texts[r.SourceId]));
        var href = state == CopyState.Confirmed ? null
            : original == CopyOriginal.Other ? $"/sources/{id}/copies/{r.SourceId}/confirm" : $"/sources/{r.SourceId}/copies/{id}/confirm";
        return new CopyProposal(r.SourceId, r.Title, r.Outlet, PartialDate.FromDb(r.PublishedOn, r.PublishedPrecision)?.ToString(), r.Shared,
            Math.Round(compared.Containment, 3), original, state, compared.Mine, compared.Theirs, href);
    }

    internal sealed record Comparison(double Containment, CopyPassage? Mine, CopyPassage? Theirs);

    /// <summary>The share of the shorter text's words in runs the other has, and the longest stretch the two share.</summary>
    private static Comparison Compare(string mine, List<SourceFingerprints.Word> a, string theirs, List<SourceFingerprints.Word> b)
    {
        const int N = SourceFingerprints.RunLength;
        if (a.Count < N || b.Count < N) return new Comparison(0, null, null);
        var (ra, rb) = (SourceFingerprints.RunHashes(a), SourceFingerprints.RunHashes(b));
        // Where each run first occurs in the other text; a word is covered when some run through it occurs there.
        var firstAt = new Dictionary<long, int>(rb.Length);
        for (var j = 0; j < rb.Length; j++) firstAt.TryAdd(rb[j], j);
        var (shorterRuns, shorterWords) = a.Count <= b.Count ? (ra, a.Count) : (rb, b.Count);
        Func<long, bool> inLonger = a.Count <= b.Count ? firstAt.ContainsKey : ra.ToHashSet().Contains;
        var (covered, through) = (0, 0);
        for (var i = 0; i < shorterRuns.Length; i++)
        {
            if (!inLonger(shorterRuns[i])) continue;
            covered += i + N - Math.Max(i, through);
            through = i + N;
        }
        var (passageMine, passageTheirs) = LongestSharedRun(mine, a, ra, theirs, b, firstAt);
        return new Comparison((double)covered / shorterWords, passageMine, passageTheirs);
    }

    /// <summary>
    /// The longest run of words the two texts share (a fingerprint's run at least), found from the first place each run
    /// occurs in the other text: linear in the two lengths.
    /// </summary>
    private static (CopyPassage? Mine, CopyPassage? Theirs) LongestSharedRun(
        string mine, List<SourceFingerprints.Word> a, long[] ra, string theirs, List<SourceFingerprints.Word> b, Dictionary<long, int> firstAt)
    {
        const int N = SourceFingerprints.RunLength;
        bool Same(int i, int j) => a[i].Key == b[j].Key;
        var (bestA, bestB, bestLength) = (-1, -1, 0);
        for (var i = 0; i + N <= a.Count;)
        {
            if (!firstAt.TryGetValue(ra[i], out var j) || !Enumerable.Range(0, N).All(k => Same(i + k, j + k))) { i++; continue; }
            var length = N;
            while (i + length < a.Count && j + length < b.Count && Same(i + length, j + length)) length++;
            if (length > bestLength) (bestA, bestB, bestLength) = (i, j, length);
            i += length;
        }
        if (bestLength == 0) return (null, null);
        return (Passage(mine, a[bestA].Start, a[bestA + bestLength - 1].End), Passage(theirs, b[bestB].Start, b[bestB + bestLength - 1].End));
    }

    private static CopyPassage Passage(string text, int start, int end) =>
        new(CodePoints.Count(text[..start]), CodePoints.Count(text[..end]), text[start..end]);
}
