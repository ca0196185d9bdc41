using System.Security.Claims;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Conflicts;

/// <param name="Status">open, acknowledged or resolved (closed is the system's: the claims stopped conflicting).</param>
/// <param name="Note">The curator's note; resolving needs one.</param>
/// <param name="PreferredClaimId">The claim judged better supported: it becomes preferred and the other deprecated.</param>
public sealed record UpdateConflictRequest(ConflictStatus? Status = null, string? Note = null, long? PreferredClaimId = null)
{
    public sealed class Validator : AbstractValidator<UpdateConflictRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Status).IsInEnum().NotEqual(ConflictStatus.Closed).WithMessage("must be open, acknowledged or resolved.");
            RuleFor(r => r.Note).MaximumLength(5_000);
            RuleFor(r => r).Must(r => r.Status is not null || r.Note is not null || r.PreferredClaimId is not null)
                .OverridePropertyName("$").WithMessage("names no field to change.");
        }
    }
}

public static class UpdateConflict
{
    public static async Task<Results<Ok<ConflictDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, UpdateConflictRequest request, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var id = idParam.Value;
        var match = Preconditions.IfMatch(http.Request);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var current = await connection.QuerySingleOrDefaultAsync<ConflictQuery.Row>(new CommandDefinition(
            "select f.* from conflicts f where f.id = @id for update", new { id }, tx, cancellationToken: ct));
        if (current is null) return Problems.NotFound("Conflict", id);
        if (match.Version is { } expected && expected != current.Version) return Preconditions.Stale("conflict", current.Version);
        if (current.Status == "closed")
        {
            return Problems.Conflict("The conflict is closed.", $"Conflict {id} closed by itself: {current.ClosedReason}.");
        }

        var note = request.Note is null ? current.Note : request.Note.Trim() is { Length: > 0 } n ? n : null;
        var status = request.Status?.Db() ?? current.Status;
        if (status == "resolved" && note is null)
        {
            return Problems.Unprocessable("note", "is required to resolve a conflict: say how it was resolved.");
        }
        if (request.PreferredClaimId is { } preferred && preferred != current.ClaimA && preferred != current.ClaimB)
        {
            return Problems.Unprocessable("preferredClaimId", $"must be one of the conflict's claims, {current.ClaimA} or {current.ClaimB}.");
        }

        var curatorId = write.CuratorId;
        await connection.ExecuteAsync(new CommandDefinition("""
            update conflicts set status = @status, note = @note, preferred_claim_id = coalesce(@preferred, preferred_claim_id),
                   version = version + 1, updated_at = now(), updated_by = @curatorId
            where id = @id
            """, new { id, status, note, preferred = request.PreferredClaimId, curatorId }, tx, cancellationToken: ct));
        if (request.PreferredClaimId is { } winner && winner != current.PreferredClaimId)
        {
            var loser = winner == current.ClaimA ? current.ClaimB : current.ClaimA;
            var reason = $"Preferred over claim {loser} in conflict {id}" + (note is null ? "." : $": {note}");
            await ClaimWrites.SetRankAsync(write.Context(ct), winner, ClaimRank.Preferred, reason);
            await ClaimWrites.SetRankAsync(write.Context(ct), loser, ClaimRank.Deprecated, $"Claim {winner} preferred in conflict {id}" + (note is null ? "." : $": {note}"));
        }
        var conflict = (await ConflictQuery.LoadAsync(connection, tx, id, ct))!;
        http.Response.Headers.ETag = conflict.ETag;
        return await write.CommitAsync(TypedResults.Ok(conflict), ct);
    }
}
