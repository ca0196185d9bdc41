using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

public static class RemoveAlias
{
    /// <param name="alias">The alias to remove, in any case, e.g. PMF; the subject's own name cannot be removed (rename it instead).</param>
    public static async Task<Results<Ok<SubjectDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, string alias, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var write = await Write.BeginAsync(http, db, ct);
        var w = write.Context(ct);
        var name = await w.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select name from subjects where id = @id for update", new { id }, w.Transaction, cancellationToken: ct));
        if (name is null) return Problems.NotFound("Subject", id);
        if (string.Equals(name, alias.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Conflict("The subject's name is not removable.", $"\"{name}\" is the subject's own name; rename the subject instead (PATCH /subjects/{id}).");
        }
        var removed = await w.Connection.ExecuteAsync(new CommandDefinition(
            "delete from subject_aliases where subject_id = @id and alias_key = lower(@alias)", new { id, alias = alias.Trim() }, w.Transaction, cancellationToken: ct));
        if (removed == 0)
        {
            return TypedResults.Problem(statusCode: 404, title: "Alias not found.", detail: $"Subject {id} has no alias \"{alias}\".");
        }
        await SubjectChanges.RefreshClaimsAsync(w, id);
        var updated = (await GetSubject.LoadAsync(w.Connection, w.Transaction, id, ct))!;
        return await write.CommitAsync(TypedResults.Ok(updated), ct);
    }
}
