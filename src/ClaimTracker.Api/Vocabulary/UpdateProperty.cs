using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Vocabulary;

/// <summary>A change to a property's settings: only the fields sent change. Its key and value type never change.</summary>
/// <param name="Label">How the property reads in claims ("troop count"); claims are found by the new label at once.</param>
/// <param name="NonNegative">For quantities: refuse negative amounts. Turning it on is refused while a claim states one.</param>
/// <param name="ChangesOverTime">Whether its value changes over time; its claims' conflicts are judged anew at once.</param>
/// <param name="WindowDays">How many days apart two as-of times may be and still be compared (0 to 3,650).</param>
public sealed record UpdatePropertyRequest(string? Label = null, string? Description = null, bool? NonNegative = null,
    bool? ChangesOverTime = null, int? WindowDays = null)
{
    public sealed class Validator : AbstractValidator<UpdatePropertyRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Label).MaximumLength(200).Must(l => l!.Trim().Length > 0).When(r => r.Label is not null).WithMessage("must not be blank.");
            RuleFor(r => r.Description).MaximumLength(2_000);
            RuleFor(r => r.WindowDays).InclusiveBetween(0, 3_650).When(r => r.WindowDays is not null);
            RuleFor(r => r).Must(r => r.Label is not null || r.Description is not null || r.NonNegative is not null
                                      || r.ChangesOverTime is not null || r.WindowDays is not null)
                .OverridePropertyName("$").WithMessage("names no field to change.");
        }
    }
}

public static class UpdateProperty
{
    public static async Task<Results<Ok<PropertyDetail>, ProblemHttpResult>> Handle(
        string key, UpdatePropertyRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        await using var write = await Write.BeginAsync(http, db, ct);
        var w = write.Context(ct);
        var id = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select id from properties where key = @key for update", new { key }, w.Transaction, cancellationToken: ct));
        if (id is null) return TypedResults.Problem(statusCode: 404, title: "Property not found.", detail: $"There is no property with key \"{key}\".");
        if (request.NonNegative == true)
        {
            var negative = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
                select id from claims where property_id = @id and status <> 'retracted'
                  and (amount < 0 or lower_bound < 0 or upper_bound < 0) order by id limit 1
                """, new { id }, w.Transaction, cancellationToken: ct));
            if (negative is { } claim)
            {
                return Problems.Conflict("A claim states a negative figure.", $"Claim {claim} of \"{key}\" is negative; revise or retract it first.",
                    new Dictionary<string, object?> { ["claimId"] = claim });
            }
        }
        await w.Connection.ExecuteAsync(new CommandDefinition("""
            update properties set label = coalesce(btrim(@label), label),
                   description = case when @description::text is null then description else nullif(btrim(@description), '') end,
                   non_negative = coalesce(@nonNegative, non_negative),
                   changes_over_time = coalesce(@changesOverTime, changes_over_time),
                   window_days = coalesce(@windowDays, window_days)
            where id = @id
            """, new { id, label = request.Label, description = request.Description, nonNegative = request.NonNegative,
                       changesOverTime = request.ChangesOverTime, windowDays = request.WindowDays }, w.Transaction, cancellationToken: ct));
        // The label is part of every claim's search document, and the time settings part of how its claims are compared:
        // each claim of the property is brought up to date.
        var claims = (await w.Connection.QueryAsync<long>(new CommandDefinition(
            "select id from claims where property_id = @id", new { id }, w.Transaction, cancellationToken: ct))).ToArray();
        await ClaimWrites.RefreshAsync(w, claims);
        var updated = (await ListProperties.LoadAsync(w.Connection, w.Transaction, key, ct))!;
        return await write.CommitAsync(TypedResults.Ok(updated), ct);
    }
}
