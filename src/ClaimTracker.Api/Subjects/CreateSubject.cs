using System.Security.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

/// <param name="Kind">What sort of entity: force, organization, person, place, event, topic, ... (free text).</param>
/// <param name="Broader">The name, alias or id of a broader subject this one is part of (an event within a topic).</param>
public sealed record CreateSubjectRequest(
    string Name,
    string? Kind = null,
    string? Description = null,
    string[]? Aliases = null,
    string? Broader = null)
{
    public sealed class Validator : AbstractValidator<CreateSubjectRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(300).Must(n => n.Trim().Length > 0).WithMessage("must not be blank.");
            RuleFor(r => r.Kind).MaximumLength(100);
            RuleFor(r => r.Description).MaximumLength(5_000);
            RuleFor(r => r.Aliases).MaxItems(100).WithMessage("must list at most 100 aliases.");
            RuleForEach(r => r.Aliases).NotEmpty().MaximumLength(300);
            RuleFor(r => r.Broader).MaximumLength(300);
        }
    }
}

public static class CreateSubject
{
    public static async Task<Results<Created<SubjectDetail>, ProblemHttpResult>> Handle(
        CreateSubjectRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var result = await InsertAsync(connection, tx, request, write.CuratorId, ct);
        if (result.Problem is not null) return result.Problem;
        var created = (await GetSubject.LoadAsync(connection, tx, result.Id, ct))!;
        return await write.CommitAsync(TypedResults.Created($"/subjects/{result.Id}", created), ct);
    }

    public sealed record Outcome(long Id, ProblemHttpResult? Problem);

    /// <summary>Writes a subject with its aliases inside the caller's transaction.</summary>
    public static async Task<Outcome> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CreateSubjectRequest request, long curatorId, CancellationToken ct)
    {
        long? broaderId = null;
        if (request.Broader is not null)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, tx, request.Broader, ct) is not { } broader)
            {
                return new(0, Problems.Unprocessable("broader", $"no subject is named, aliased or numbered \"{request.Broader}\"."));
            }
            broaderId = broader.Id;
        }

        var name = CodePoints.Nfc(request.Name.Trim());
        var aliases = new[] { name }.Concat((request.Aliases ?? []).Select(a => CodePoints.Nfc(a.Trim())))
            .DistinctBy(a => a.ToLowerInvariant()).ToArray();
        var taken = await connection.QueryFirstOrDefaultAsync<(long Id, string Name, string Alias)?>(new CommandDefinition("""
            select s.id, s.name, a.alias from subject_aliases a join subjects s on s.id = a.subject_id
            where a.alias_key = any(@keys)
            limit 1
            """, new { keys = aliases.Select(a => a.ToLowerInvariant()).ToArray() }, tx, cancellationToken: ct));
        if (taken is { } t) return new(0, AliasTaken(t.Alias, t.Id, t.Name));

        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into subjects (name, kind, description, broader_id, created_by)
            values (@name, @Kind, @Description, @broaderId, @curatorId)
            returning id
            """, new { name, request.Kind, request.Description, broaderId, curatorId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into subject_aliases (subject_id, alias) select @id, unnest(@aliases)
            """, new { id, aliases }, tx, cancellationToken: ct));
        return new(id, null);
    }

    internal static ProblemHttpResult AliasTaken(string alias, long subjectId, string subjectName) =>
        Problems.Conflict("The name is taken.", $"\"{alias}\" already names subject {subjectId} (\"{subjectName}\").",
            new Dictionary<string, object?> { ["existingSubjectId"] = subjectId, ["existing"] = $"/subjects/{subjectId}" });
}
