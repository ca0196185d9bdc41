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
/// <param name="IndependentSupports">How many independent voices support it. Independence follows attribution: a claim counts
/// once for its original speaker (the innermost voice of its attribution chain; an anonymous speaker is a voice of its own
/// unless a curator says it is the same as another), however many outlets relay it; a claim in a source's own voice counts
/// once for the source's organisation: the agency it republishes (a wire copy), else the subject its outlet names, else
/// the outlet.</param>
/// <param name="Supporters">Those voices, by name, the one with the most supports first.</param>
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
        // Independence counts voices (claim_voice): the original speaker, or the source's own voice as the agency it
        // republishes or the organisation its outlet is. The voice with the most supports comes first.
        var supporters = (await connection.QueryAsync<(string Key, string Name)>(new CommandDefinition("""
            select v.key, min(v.name) as name
            from unnest(@ids) as c (id)
            join claim_evidence e on e.claim_id = c.id and e.stance = 'supports'
            cross join lateral claim_voice(c.id, e.source_id) v
            group by v.key order by count(*) desc, min(v.name)
            """, new { ids = new[] { claim.Id }.Concat(agreeing.Select(a => a.Id)).ToArray() }, cancellationToken: ct)))
            .Select(s => s.Name).ToArray();
        return new Corroboration(
            [.. agreeing.Select(a => new AgreeingClaim(a.Id, a.Text, a.AssertedBy, a.Value, [.. a.Evidence.Select(e => e.Source).DistinctBy(s => s.Id)]))],
            [.. supports.Select(s => s.Source).DistinctBy(s => s.Id).OrderBy(s => s.Published?.Date).ThenBy(s => s.Id)],
            supporters.Length,
            supporters);
    }
}
