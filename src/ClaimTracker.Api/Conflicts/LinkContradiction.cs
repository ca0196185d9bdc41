using System.Security.Claims;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Conflicts;

/// <param name="ClaimId">The claim this one contradicts.</param>
/// <param name="Note">Why the curator judges them contradictory.</param>
public sealed record LinkContradictionRequest(long ClaimId, string? Note = null)
{
    public sealed class Validator : AbstractValidator<LinkContradictionRequest>
    {
        public Validator() => RuleFor(r => r.Note).MaximumLength(5_000);
    }
}

public static class LinkContradiction
{
    public static async Task<Results<Created<ConflictDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, LinkContradictionRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var id = idParam.Value;
        if (request.ClaimId == id) return Problems.Unprocessable("claimId", "must be another claim: a claim cannot contradict itself.");
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var statuses = (await connection.QueryAsync<(long Id, string Status)>(new CommandDefinition(
            "select id, status from claims where id = any(@ids) for share", new { ids = new[] { id, request.ClaimId } }, tx, cancellationToken: ct)))
            .ToDictionary(c => c.Id, c => c.Status);
        if (!statuses.ContainsKey(id)) return Problems.NotFound("Claim", id);
        if (!statuses.ContainsKey(request.ClaimId)) return Problems.Unprocessable("claimId", $"no claim has id {request.ClaimId}.");
        if (statuses.FirstOrDefault(s => s.Value == "retracted") is { Key: > 0 } retracted)
        {
            return Problems.Conflict("A retracted claim contradicts nothing.", $"Claim {retracted.Key} is retracted.");
        }

        var curatorId = write.CuratorId;
        var linked = await connection.ExecuteAsync(new CommandDefinition("""
            insert into claim_links (from_claim, to_claim, note, created_by)
            select @id, @other, @note, @curatorId
            where not exists (select 1 from claim_links where (from_claim, to_claim) in ((@id, @other), (@other, @id)))
            """, new { id, other = request.ClaimId, note = request.Note?.Trim(), curatorId }, tx, cancellationToken: ct));
        if (linked == 0)
        {
            return Problems.Conflict("The claims are already linked.", $"Claims {id} and {request.ClaimId} are already linked as contradicting.");
        }
        await ClaimWrites.RefreshAsync(write.Context(ct), [id, request.ClaimId]);
        var conflictId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select id from conflicts where claim_a = least(@id, @other) and claim_b = greatest(@id, @other)",
            new { id, other = request.ClaimId }, tx, cancellationToken: ct));
        var conflict = (await ConflictQuery.LoadAsync(connection, tx, conflictId, ct))!;
        return await write.CommitAsync(TypedResults.Created($"/conflicts/{conflictId}", conflict), ct);
    }
}
