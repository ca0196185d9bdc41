using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>Another claim stating the same thing: same subject and property, compatible value and time.</summary>
public sealed record AgreeingClaim(long ClaimId, string Text, SubjectRef? AssertedBy, ClaimValueView Value, PassageSource[] Sources);

/// <summary>Where independent reports agree with a claim.</summary>
/// <param name="Agreeing">Other claims that agree with this one.</param>
/// <param name="Sources">Every source supporting this claim or an agreeing one.</param>
/// <param name="IndependentSupports">How many independent voices support it. Independence follows attribution: a claim
/// asserted by someone counts once for that asserter however many outlets relay it; a claim in a source's own voice
/// counts once for the outlet.</param>
/// <param name="Supporters">Those voices, by name.</param>
public sealed record Corroboration(AgreeingClaim[] Agreeing, PassageSource[] Sources, int IndependentSupports, string[] Supporters);

public static class Corroborations
{
    public static async Task<Corroboration> ForAsync(NpgsqlConnection connection, ClaimDetail claim, CancellationToken ct)
    {
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(
            "select id from agreeing_claims(@id) order by id", new { id = claim.Id }, cancellationToken: ct))).ToArray();
        var agreeing = ids.Length == 0 ? [] : await ClaimQuery.ManyAsync(connection, null, "where c.id = any(@ids) order by c.id", new { ids }, ct);

        var supports = new[] { claim }.Concat(agreeing)
            .SelectMany(c => c.Evidence.Where(e => e.Stance == EvidenceStance.Supports).Select(e => (Claim: c, e.Source)))
            .ToList();
        var supporters = supports
            .Select(s => s.Claim.AssertedBy is { } a ? (Key: $"subject:{a.Id}", Name: a.Name)
                : s.Source.Outlet is { } outlet ? (Key: $"outlet:{outlet.ToLowerInvariant()}", Name: outlet)
                : (Key: $"source:{s.Source.Id}", Name: s.Source.Title))
            .DistinctBy(s => s.Key)
            .Select(s => s.Name)
            .ToArray();
        return new Corroboration(
            [.. agreeing.Select(a => new AgreeingClaim(a.Id, a.Text, a.AssertedBy, a.Value, [.. a.Evidence.Select(e => e.Source).DistinctBy(s => s.Id)]))],
            [.. supports.Select(s => s.Source).DistinctBy(s => s.Id).OrderBy(s => s.Published?.Date).ThenBy(s => s.Id)],
            supporters.Length,
            supporters);
    }
}
