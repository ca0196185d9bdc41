using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Figures;

/// <summary>A claim stating the figure, with the passages of one source that support it.</summary>
public sealed record FigureClaim(
    long ClaimId, string Text, SubjectRef Subject, ClaimProperty Property, ClaimValueView Value, SubjectRef? AssertedBy,
    ClaimStatus Status, EvidenceView[] Passages);

public sealed record FigureSource(PassageSource Source, FigureClaim[] Claims);

/// <param name="Value">The figure looked up.</param>
/// <param name="Sources">Every source with a claim whose stated range contains the figure, oldest published first.</param>
public sealed record FigureResult(decimal Value, string? Unit, string? Property, FigureSource[] Sources);

public static class FindFigure
{
    public static void MapFigures(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/figures").WithTags("Figures").WithValidation()
            .MapGet("/", Handle)
            .WithName("FindFigure")
            .WithSummary("Which articles support a figure")
            .WithDescription("Every claim whose quantity contains the figure once its stated bounds and approximation are applied (\"about 2,500\" allows 2,250 to 2,750; \"hundreds\" 200 to 999), grouped by the source that reports it, with the passages. 2500 and 2,500 are the same figure.");

    /// <param name="value">The figure: 2500, 2,500 or 2 500.</param>
    /// <param name="unit">Only quantities in this unit (troops, people).</param>
    /// <param name="property">Only claims with this property key.</param>
    public static async Task<Results<Ok<FigureResult>, ValidationProblem>> Handle(
        [FromQuery] string value, [FromQuery] string? unit, [FromQuery] string? property, NpgsqlDataSource db, CancellationToken ct)
    {
        if (ClaimFilter.ParseFigure(value) is not { } figure) return Problems.BadParameter("value", "must be a number, such as 2500 or 2,500.");

        await using var connection = await db.OpenConnectionAsync(ct);
        var (filter, problem) = await ClaimFilter.BuildAsync(connection,
            new ClaimFilterQuery(null, null, property, null, null, null, null, null, value, null, null, unit, null, null, null), ct);
        if (problem is not null) return problem;
        filter!.Parameters.Add("limit", 1_000);
        var claims = await ClaimQuery.ManyAsync(connection, null, $"where {filter.Where} order by c.id limit @limit", filter.Parameters, ct);

        var sources = claims
            .SelectMany(c => c.Evidence.Where(e => e.Stance == EvidenceStance.Supports).Select(e => (Claim: c, Evidence: e)))
            .GroupBy(x => x.Evidence.Source.Id)
            .Select(g => new FigureSource(
                g.First().Evidence.Source,
                [.. g.GroupBy(x => x.Claim.Id).Select(c => new FigureClaim(
                    c.Key, c.First().Claim.Text, c.First().Claim.Subject, c.First().Claim.Property, c.First().Claim.Value,
                    c.First().Claim.AssertedBy, c.First().Claim.Status, [.. c.Select(x => x.Evidence)]))]))
            .OrderBy(s => s.Source.Published?.Date ?? "9999")
            .ThenBy(s => s.Source.Id)
            .ToArray();
        return TypedResults.Ok(new FigureResult(figure, unit, property, sources));
    }
}
