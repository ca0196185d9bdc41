using System.Security.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Passages;

/// <summary>Either selector of the W3C Web Annotation model, or both (they must then agree).</summary>
/// <param name="Start">TextPositionSelector: code-point offset of the first character.</param>
/// <param name="End">TextPositionSelector: code-point offset just past the last character.</param>
/// <param name="Exact">TextQuoteSelector: the passage's text, character for character.</param>
/// <param name="Prefix">Text just before the quote, to choose between repeats of it.</param>
/// <param name="Suffix">Text just after the quote, to choose between repeats of it.</param>
public sealed record CreatePassageRequest(int? Start = null, int? End = null, string? Exact = null, string? Prefix = null, string? Suffix = null)
{
    public sealed class Validator : AbstractValidator<CreatePassageRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Exact).NotEmpty().When(r => r.Start is null && r.End is null)
                .WithMessage("is required unless start and end are given: send start and end, or exact (with optional prefix and suffix).");
            RuleFor(r => r.End).NotNull().When(r => r.Start is not null).WithMessage("is required with start.");
            RuleFor(r => r.Start).NotNull().When(r => r.End is not null).WithMessage("is required with end.");
            RuleFor(r => r.Exact).MaximumLength(20_000);
            RuleFor(r => r.Prefix).MaximumLength(1_000);
            RuleFor(r => r.Suffix).MaximumLength(1_000);
        }
    }
}

public static class CreatePassage
{
    public static async Task<Results<Created<PassageDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, CreatePassageRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var result = await AnchorAsync(connection, tx, id, request, write.CuratorId, ct);
        if (result.SourceMissing) return Problems.NotFound("Source", id);
        if (result.Failure is not null) return result.Failure.ToProblem();
        if (!result.Created)
        {
            return Problems.Conflict("The passage already exists.",
                $"Passage {result.PassageId} anchors the same span of this revision.",
                new Dictionary<string, object?> { ["existingPassageId"] = result.PassageId, ["existing"] = $"/passages/{result.PassageId}" });
        }
        var passage = (await PassageRow.QueryAsync(connection, tx, "p.id = @id", new { id = result.PassageId }, ct))[0].ToDetail();
        return await write.CommitAsync(TypedResults.Created($"/passages/{passage.Id}", passage), ct);
    }

    public sealed record Outcome(long PassageId, bool Created, AnchorFailure? Failure = null, bool SourceMissing = false);

    /// <summary>
    /// Anchors a passage in the latest revision of a source, inside the caller's transaction. An identical span
    /// already stored is returned as not created.
    /// </summary>
    public static async Task<Outcome> AnchorAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long sourceId, CreatePassageRequest request, long curatorId, CancellationToken ct)
    {
        var revision = await connection.QuerySingleOrDefaultAsync<(long Id, string Body)?>(new CommandDefinition("""
            select id, body from source_revisions where source_id = @sourceId order by number desc limit 1
            """, new { sourceId }, tx, cancellationToken: ct));
        if (revision is not { } latest) return new(0, false, SourceMissing: true);

        var (anchor, failure) = Anchoring.Resolve(new CodePoints(latest.Body), request.Start, request.End, request.Exact, request.Prefix, request.Suffix);
        if (anchor is null) return new(0, false, failure);

        var created = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            insert into passages (source_id, revision_id, start_offset, end_offset, exact, prefix, suffix, created_by)
            values (@sourceId, @revisionId, @Start, @End, @Exact, @Prefix, @Suffix, @curatorId)
            on conflict (revision_id, start_offset, end_offset) do nothing
            returning id
            """,
            new { sourceId, revisionId = latest.Id, anchor.Start, anchor.End, anchor.Exact, anchor.Prefix, anchor.Suffix, curatorId },
            tx, cancellationToken: ct));
        if (created is { } newId) return new(newId, true);

        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            select id from passages where revision_id = @revisionId and start_offset = @Start and end_offset = @End
            """, new { revisionId = latest.Id, anchor.Start, anchor.End }, tx, cancellationToken: ct));
        return new(existing, false);
    }
}
