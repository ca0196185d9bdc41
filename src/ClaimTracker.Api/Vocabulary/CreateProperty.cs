using System.Security.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Vocabulary;

/// <param name="Key">lower_snake_case, 2 to 63 characters: how claims name this property.</param>
/// <param name="NonNegative">For quantities: refuse negative amounts (true for counts, the default).</param>
public sealed record CreatePropertyRequest(
    string Key,
    string Label,
    PropertyType ValueType,
    string? Unit = null,
    bool NonNegative = true,
    string? Description = null,
    bool ChangesOverTime = false,
    int WindowDays = 31,
    TimeSemantics TimeSemantics = TimeSemantics.Moment)
{
    public sealed class Validator : AbstractValidator<CreatePropertyRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Key).NotEmpty().MaximumLength(63).Matches("^[a-z][a-z0-9_]{1,62}$").WithMessage("must be lower_snake_case, 2 to 63 characters, starting with a letter.");
            RuleFor(r => r.Label).NotEmpty().MaximumLength(200);
            RuleFor(r => r.ValueType).IsInEnum();
            RuleFor(r => r.Unit).MaximumLength(100);
            RuleFor(r => r.Unit).Null().When(r => r.ValueType != PropertyType.Quantity).WithMessage("is only for quantity properties.");
            RuleFor(r => r.Description).MaximumLength(2_000);
            RuleFor(r => r.WindowDays).InclusiveBetween(0, 3_650);
            RuleFor(r => r.TimeSemantics).IsInEnum();
            RuleFor(r => r.TimeSemantics).Equal(TimeSemantics.Moment).When(r => r.ValueType != PropertyType.Time).WithMessage("is only for time properties.");
        }
    }
}

public static class CreateProperty
{
    public static async Task<Results<Created<PropertyDetail>, ProblemHttpResult>> Handle(
        CreatePropertyRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            insert into properties (key, label, value_type, unit, non_negative, description, changes_over_time, window_days, time_semantics, created_by)
            values (@Key, @Label, @valueType, @Unit, @NonNegative, @Description, @ChangesOverTime, @WindowDays, @timeSemantics, @curatorId)
            on conflict (key) do nothing
            """, new { request.Key, request.Label, valueType = request.ValueType.Db(), request.Unit, request.NonNegative, request.Description,
                  request.ChangesOverTime, request.WindowDays, timeSemantics = request.TimeSemantics.Db(), curatorId = write.CuratorId },
            tx, cancellationToken: ct));
        if (inserted == 0)
        {
            return Problems.Conflict("The property already exists.", $"The key \"{request.Key}\" is taken.",
                new Dictionary<string, object?> { ["field"] = "key", ["existing"] = $"/properties/{request.Key}" });
        }
        var created = (await ListProperties.LoadAsync(connection, tx, request.Key, ct))!;
        return await write.CommitAsync(TypedResults.Created($"/properties/{request.Key}", created), ct);
    }
}
