using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

/// <summary>A change to a subject: only the fields sent change; "" clears kind, description or broader.</summary>
/// <param name="Name">The new name. The old name stays an alias, so that references by it keep resolving.</param>
/// <param name="Broader">The name, alias or id of the broader subject this one is part of; "" makes it stand alone.</param>
/// <param name="SameAs">The name, alias or id of the speaker this one is, e.g. when "a senior US official" in two reports is one
/// person a curator can tell: both then count as one voice in corroboration. "" makes it a speaker of its own again.</param>
public sealed record UpdateSubjectRequest(string? Name = null, string? Kind = null, string? Description = null, string? Broader = null,
    string? SameAs = null)
{
    public sealed class Validator : AbstractValidator<UpdateSubjectRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Name).MaximumLength(300).Must(n => n!.Trim().Length > 0).When(r => r.Name is not null).WithMessage("must not be blank.");
            RuleFor(r => r.Kind).MaximumLength(100);
            RuleFor(r => r.Description).MaximumLength(5_000);
            RuleFor(r => r.Broader).MaximumLength(300);
            RuleFor(r => r.SameAs).MaximumLength(300);
            RuleFor(r => r).Must(r => r.Name is not null || r.Kind is not null || r.Description is not null || r.Broader is not null || r.SameAs is not null)
                .OverridePropertyName("$").WithMessage("names no field to change.");
        }
    }
}

public static class UpdateSubject
{
    public static async Task<Results<Ok<SubjectDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, UpdateSubjectRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var write = await Write.BeginAsync(http, db, ct);
        var w = write.Context(ct);
        var current = await w.Connection.QuerySingleOrDefaultAsync<(string Name, long? BroaderId)?>(new CommandDefinition(
            "select name, broader_id from subjects where id = @id for update", new { id }, w.Transaction, cancellationToken: ct));
        if (current is not { } subject) return Problems.NotFound("Subject", id);

        var name = request.Name is null ? subject.Name : CodePoints.Nfc(request.Name.Trim());
        if (!string.Equals(name, subject.Name, StringComparison.Ordinal))
        {
            var inserted = await w.Connection.ExecuteAsync(new CommandDefinition(
                "insert into subject_aliases (subject_id, alias) values (@id, @name) on conflict (alias_key) do nothing",
                new { id, name }, w.Transaction, cancellationToken: ct));
            if (inserted == 0 && await SubjectLookup.ByNameAsync(w.Connection, w.Transaction, name, ct) is { } owner && owner.Id != id)
            {
                return CreateSubject.AliasTaken(name, owner.Id, owner.Name);
            }
        }
        var broaderId = subject.BroaderId;
        if (request.Broader == "") broaderId = null;
        else if (request.Broader is not null)
        {
            if (await SubjectLookup.ByReferenceAsync(w.Connection, w.Transaction, request.Broader, ct) is not { } broader)
            {
                return Problems.Unprocessable("broader", $"no subject is named or aliased \"{request.Broader}\"; add it first (POST /subjects).");
            }
            // A subject cannot sit inside itself, however many levels down.
            var cycle = await w.Connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
                with recursive up (id, depth) as (
                    select @broader::bigint, 0
                    union
                    select s.broader_id, u.depth + 1 from subjects s join up u on s.id = u.id where s.broader_id is not null and u.depth < 50
                )
                select exists (select 1 from up where id = @id)
                """, new { broader = broader.Id, id }, w.Transaction, cancellationToken: ct));
            if (cycle) return Problems.Unprocessable("broader", $"\"{request.Broader}\" is this subject or one of its narrower subjects.");
            broaderId = broader.Id;
        }
        var sameAsId = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select same_as_id from subjects where id = @id", new { id }, w.Transaction, cancellationToken: ct));
        if (request.SameAs == "") sameAsId = null;
        else if (request.SameAs is not null)
        {
            if (await SubjectLookup.ByReferenceAsync(w.Connection, w.Transaction, request.SameAs, ct) is not { } same)
            {
                return Problems.Unprocessable("sameAs", $"no subject is named or aliased \"{request.SameAs}\"; add it first (POST /subjects).");
            }
            // One voice has one root: the same-as link points at the speaker the other is (itself linked to none).
            var root = await w.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select coalesce(same_as_id, id) from subjects where id = @same", new { same = same.Id }, w.Transaction, cancellationToken: ct));
            if (root == id) return Problems.Unprocessable("sameAs", $"\"{request.SameAs}\" is this subject.");
            if (await w.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "select exists (select 1 from subjects where same_as_id = @id)", new { id }, w.Transaction, cancellationToken: ct)))
            {
                return Problems.Unprocessable("sameAs", "other subjects are the same as this one; link them to the other speaker instead.");
            }
            sameAsId = root;
        }
        await w.Connection.ExecuteAsync(new CommandDefinition("""
            update subjects set name = @name, broader_id = @broaderId, same_as_id = @sameAsId,
                   kind = case when @kind::text is null then kind else nullif(btrim(@kind), '') end,
                   description = case when @description::text is null then description else nullif(btrim(@description), '') end
            where id = @id
            """, new { id, name, broaderId, sameAsId, kind = request.Kind, description = request.Description }, w.Transaction, cancellationToken: ct));
        await SubjectChanges.RefreshClaimsAsync(w, id, moved: broaderId != subject.BroaderId);
        var updated = (await GetSubject.LoadAsync(w.Connection, w.Transaction, id, ct))!;
        return await write.CommitAsync(TypedResults.Ok(updated), ct);
    }
}
