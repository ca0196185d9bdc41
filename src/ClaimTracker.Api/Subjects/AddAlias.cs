using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

public sealed record AddAliasRequest(string Alias)
{
    public sealed class Validator : AbstractValidator<AddAliasRequest>
    {
        public Validator() => RuleFor(r => r.Alias).NotEmpty().MaximumLength(300).Must(a => a.Trim().Length > 0).WithMessage("must not be blank.");
    }
}

public static class AddAlias
{
    public static async Task<Results<Ok<SubjectDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, AddAliasRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        if (await SubjectLookup.ByIdAsync(connection, tx, id, ct) is null) return Problems.NotFound("Subject", id);

        var alias = CodePoints.Nfc(request.Alias.Trim());
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            insert into subject_aliases (subject_id, alias) values (@id, @alias) on conflict (alias_key) do nothing
            """, new { id, alias }, tx, cancellationToken: ct));
        if (inserted == 0 && await SubjectLookup.ByNameAsync(connection, tx, alias, ct) is { } owner && owner.Id != id)
        {
            return CreateSubject.AliasTaken(alias, owner.Id, owner.Name);
        }
        if (inserted > 0) await SubjectChanges.RefreshClaimsAsync(write.Context(ct), id);
        var subject = (await GetSubject.LoadAsync(connection, tx, id, ct))!;
        return await write.CommitAsync(TypedResults.Ok(subject), ct);
    }
}
