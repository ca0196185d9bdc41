using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>Another claim stating the same thing: same subject and property, compatible value and time.</summary>
public sealed record AgreeingClaim(long ClaimId, string Text, SubjectRef? AssertedBy, ClaimValueView Value, PassageSource[] Sources);

/// <summary>Where independent reports agree with a claim. A figure reported everywhere has thousands of agreeing
/// claims: the lists hold the first 20 of each, the counts are over all of them.</summary>
/// <param name="Agreeing">The first 20 other claims that agree with this one, by id; all of them are at <paramref name="AgreeingHref"/>.</param>
/// <param name="AgreeingCount">How many claims agree with this one.</param>
/// <param name="AgreeingHref">The paged list of the agreeing claims: GET /claims?agrees_with={id}. Each carries its
/// evidence's sources and its asserter, so every source and supporter below is found there too.</param>
/// <param name="Sources">The first 20 sources supporting this claim or an agreeing one, oldest published first (undated last).</param>
/// <param name="SourceCount">How many sources support this claim or an agreeing one.</param>
/// <param name="IndependentSupports">How many independent voices support it. Independence follows attribution: a claim counts
/// once for its original speaker (the innermost voice of its attribution chain; an anonymous speaker is a voice of its own
/// unless a curator says it is the same as another), however many outlets relay it; a claim in a source's own voice counts
/// once for the source's organisation: the agency it republishes (a wire copy), else the subject its outlet names, else
/// the outlet.</param>
/// <param name="Supporters">The first 20 of those voices, by name, the one with the most supports first.</param>
public sealed record Corroboration(
    AgreeingClaim[] Agreeing, int AgreeingCount, string AgreeingHref,
    PassageSource[] Sources, int SourceCount,
    int IndependentSupports, string[] Supporters);

public static class Corroborations
{
    /// <summary>How many agreeing claims, sources and supporters a claim's answer lists.</summary>
    public const int Embedded = 20;

    public static string AgreeingOf(long id) => $"/claims?agrees_with={id}";

    // One pass over the claim's and every agreeing claim's supporting evidence gives the counts and the first of each
    // list; only the agreeing claims listed are read in full.
    private const string Sql = """
        with agreeing as materialized (
            select id from agreeing_claims(@id)
        ), supports as materialized (
            select m.self, c.id as claim_id, c.asserted_by, a.name as asserter,
                   so.id as source_id, so.title, so.outlet, so.published_on, so.published_precision, ps.start_offset
            from (select @id::bigint as id, 0 as self union all select id, 1 from agreeing) m
            join claims c on c.id = m.id
            left join subjects a on a.id = c.asserted_by
            join claim_evidence e on e.claim_id = c.id and e.stance = 'supports'
            join passages ps on ps.id = e.passage_id
            join sources so on so.id = e.source_id
        ), voices as (
            -- Whose voice each support is (claim_voice): the original speaker, or the source's own voice as the agency it
            -- republishes or the organisation its outlet is.
            select v.key, min(v.name) as name, count(*) as supports
            from supports s cross join lateral claim_voice(s.claim_id, s.source_id) v
            group by v.key
        ), sources_hit as (
            select distinct source_id, title, outlet, published_on, published_precision from supports
        )
        select (select count(*) from agreeing)::int as agreeing_count,
               coalesce((select array_agg(id order by id) from (select id from agreeing order by id limit @take) x), array[]::bigint[]) as agreeing_ids,
               (select count(*) from sources_hit)::int as source_count,
               (select coalesce(json_agg(json_build_object('id', source_id, 'title', title, 'outlet', outlet,
                                 'publishedOn', published_on, 'publishedPrecision', published_precision)
                                 order by published_on nulls last, source_id), '[]')
                from (select * from sources_hit order by published_on nulls last, source_id limit @take) s)::text as sources,
               (select count(*) from voices)::int as supporter_count,
               coalesce((select array_agg(name order by supports desc, name) from (select name, supports from voices order by supports desc, name limit @take) v), array[]::text[]) as supporters
        """;

    private sealed class Row
    {
        public int AgreeingCount { get; init; }
        public long[] AgreeingIds { get; init; } = [];
        public int SourceCount { get; init; }
        public string Sources { get; init; } = "[]";
        public int SupporterCount { get; init; }
        public string[] Supporters { get; init; } = [];
    }

    private sealed record SourceJson(long Id, string Title, string? Outlet, DateOnly? PublishedOn, string? PublishedPrecision);

    public static async Task<Corroboration> ForAsync(NpgsqlConnection connection, ClaimDetail claim, CancellationToken ct)
    {
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(Sql, new { id = claim.Id, take = Embedded }, cancellationToken: ct));
        var agreeing = row.AgreeingIds.Length == 0 ? []
            : await ClaimQuery.ManyAsync(connection, null, "where c.id = any(@ids) order by c.id", new { ids = row.AgreeingIds }, ct);
        var sources = JsonSerializer.Deserialize<SourceJson[]>(row.Sources, JsonSerializerOptions.Web) ?? [];
        return new Corroboration(
            [.. agreeing.Select(a => new AgreeingClaim(a.Id, a.Text, a.AssertedBy, a.Value, [.. a.Evidence.Select(e => e.Source).DistinctBy(s => s.Id)]))],
            row.AgreeingCount,
            AgreeingOf(claim.Id),
            [.. sources.Select(s => new PassageSource(s.Id, s.Title, s.Outlet, DateView.FromDb(s.PublishedOn, s.PublishedPrecision)))],
            row.SourceCount,
            row.SupporterCount,
            row.Supporters);
    }
}
