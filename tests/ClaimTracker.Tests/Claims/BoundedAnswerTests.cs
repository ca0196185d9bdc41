using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Api.Claims;
using ClaimTracker.Tests.Infrastructure;
using Dapper;

namespace ClaimTracker.Tests.Claims;

/// <summary>
/// Answers stay bounded however the data fans out. The worst case is built once for the class: a claim (the hub)
/// with the most evidence a claim may hold (100 passages), in 5,000 conflicts, agreed with by 3,000 claims from 61
/// sources and 101 asserters, the clones inserted by SQL. Each operation's largest answer is measured against the
/// bound docs/reliability.md states for it.
/// </summary>
public sealed class BoundedAnswerTests(BoundedAnswerTests.Hub hub, ITestOutputHelper output) : IClassFixture<BoundedAnswerTests.Hub>
{
    public const int Conflicts = 5_000;
    public const int Agreeing = 3_000;
    public const int OtherSources = 60;
    public const int Asserters = 100;

    public sealed class Hub(PostgresServer server) : ApiFactory(server), IAsyncLifetime
    {
        public World World { get; private set; } = null!;
        public string Unit { get; } = $"troops-{Samples.Unique()}";
        public long HubId { get; private set; }
        public long HubConflict { get; private set; }
        public long MainSource => World.SourceId;

        public static string Sentence(int n) => $"Count {n:D3}: officials put US troops at about 2,500 near base {n:D3}.";

        public new async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            var curator = await CuratorClientAsync();
            var body = $"Wire report {Samples.Unique()} (invented for a test). " + string.Join(" ", Enumerable.Range(1, 101).Select(Sentence));
            var source = await curator.CreateSourceAsync(Samples.Source(body: body, outlet: $"Hub Wire {Samples.Unique()}"));
            var subject = $"Hub force {Samples.Unique()}";
            var subjectId = await curator.CreateSubjectAsync(subject);
            var asserter = $"Hub agency {Samples.Unique()}";
            await curator.CreateSubjectAsync(asserter);
            World = new World { Curator = curator, SourceId = source.GetProperty("id").GetInt64(), Subject = subject, SubjectId = subjectId, Asserter = asserter };

            object Quantity(decimal amount, string approximation) => new { kind = "quantity", amount, approximation, unit = Unit };
            object[] Quotes(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(n => new { sourceId = World.SourceId, exact = Sentence(n) })];

            // The hub: 50 passages at once, 50 more one by one, the most a claim may hold.
            HubId = (await World.CreateClaimAsync(("value", Quantity(2500, "approximate")), ("evidence", Quotes(1, 50)))).GetProperty("id").GetInt64();
            for (var n = 51; n <= ClaimWrites.MaxEvidence; n++)
            {
                await (await curator.PostJsonAsync($"/claims/{HubId}/evidence", new { sourceId = World.SourceId, exact = Sentence(n) })).ReadJsonAsync(HttpStatusCode.OK);
            }
            var conflicting = await World.CreateClaimAsync(("value", Quantity(9000, "exact")), ("evidence", Quotes(1, 1)));
            HubConflict = conflicting.GetProperty("conflicts")[0].GetProperty("id").GetInt64();
            var agreeing = await World.CreateClaimAsync(("value", Quantity(2500, "exact")), ("assertedBy", asserter), ("evidence", Quotes(2, 2)));

            var others = new List<(long Source, long Passage)>();
            for (var i = 0; i < OtherSources; i++)
            {
                var other = (await curator.CreateSourceAsync(Samples.Source(outlet: $"Relay {i} {Samples.Unique()}"))).GetProperty("id").GetInt64();
                var passage = await curator.CreatePassageAsync(other, new { exact = "The US has about 2,500 troops in Iraq." });
                others.Add((other, passage.GetProperty("id").GetInt64()));
            }
            await CloneAsync(conflicting.GetProperty("id").GetInt64(), agreeing.GetProperty("id").GetInt64(), others);
        }

        /// <summary>The fan-out, by SQL: conflicting and agreeing clones with their evidence, and the hub's conflicts.</summary>
        private async Task CloneAsync(long conflicting, long agreeing, List<(long Source, long Passage)> others)
        {
            await using var connection = await Db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var columns = string.Join(", ", ClaimFields.ColumnNames.Where(c => c != "asserted_by"));
            var asserters = (await connection.QueryAsync<long>(
                "insert into subjects (name, created_by) select 'Hub asserter ' || g || ' ' || @tag, created_by from claims, generate_series(1, @n) g where claims.id = @agreeing returning id",
                new { tag = Samples.Unique(), n = Asserters, agreeing }, tx)).ToArray();

            var conflictIds = (await connection.QueryAsync<long>($"""
                insert into claims ({columns}, asserted_by, created_by, updated_by, search)
                select {columns}, asserted_by, created_by, updated_by, search from claims, generate_series(2, @n) where id = @conflicting
                returning id
                """, new { n = Conflicts, conflicting }, tx)).ToArray();
            await connection.ExecuteAsync("""
                insert into claim_evidence (claim_id, passage_id, source_id, stance, created_by)
                select c, e.passage_id, e.source_id, e.stance, e.created_by from claim_evidence e, unnest(@ids) c where e.claim_id = @conflicting;
                insert into conflicts (claim_a, claim_b, rule, scope, updated_by)
                select least(@hub, c), greatest(@hub, c), 'quantity', 'between_reports', k.created_by from unnest(@ids) c, claims k where k.id = @hub;
                """, new { ids = conflictIds, conflicting, hub = HubId }, tx);

            var agreeIds = (await connection.QueryAsync<long>($"""
                insert into claims ({columns}, asserted_by, created_by, updated_by, search)
                select {columns}, (@asserters::bigint[])[1 + g % cardinality(@asserters::bigint[])], created_by, updated_by, search
                from claims, generate_series(2, @n) g where id = @agreeing
                order by g
                returning id
                """, new { n = Agreeing, agreeing, asserters }, tx)).ToArray();
            await connection.ExecuteAsync("""
                insert into claim_evidence (claim_id, passage_id, source_id, stance, created_by)
                select c, e.passage_id, e.source_id, e.stance, e.created_by from claim_evidence e, unnest(@ids) c where e.claim_id = @agreeing;
                insert into claim_evidence (claim_id, passage_id, source_id, stance, created_by)
                select c, (@passages::bigint[])[1 + i % cardinality(@passages::bigint[])], (@sources::bigint[])[1 + i % cardinality(@sources::bigint[])],
                       'supports', k.created_by
                from unnest(@ids) with ordinality as x (c, i), claims k where k.id = @agreeing;
                """, new { ids = agreeIds, agreeing, passages = others.Select(o => o.Passage).ToArray(), sources = others.Select(o => o.Source).ToArray() }, tx);
            await tx.CommitAsync();
        }
    }

    private readonly HttpClient _client = hub.CreateClient();

    private async Task<(JsonElement Body, int Bytes)> ReadAsync(string url)
    {
        var response = await _client.GetAsync(url);
        var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        var body = await response.ReadJsonAsync(HttpStatusCode.OK);
        output.WriteLine($"GET {url}: {bytes:N0} bytes");
        return (body, bytes);
    }

    private const int KiB = 1024;

    [Fact]
    public async Task A_claim_in_thousands_of_conflicts_and_agreements_embeds_the_first_twenty_of_each_with_counts()
    {
        var (claim, bytes) = await ReadAsync($"/claims/{hub.HubId}");

        Assert.Equal(ClaimWrites.MaxEvidence, claim.GetProperty("evidence").GetArrayLength());
        Assert.Equal(ClaimDetail.EmbeddedConflicts, claim.GetProperty("conflicts").GetArrayLength());
        Assert.Equal(Conflicts, claim.GetProperty("conflictCount").GetInt32());
        Assert.Equal($"/conflicts?claim={hub.HubId}", claim.GetProperty("conflictsHref").GetString());
        var corroboration = claim.GetProperty("corroboration");
        Assert.Equal(Corroborations.Embedded, corroboration.GetProperty("agreeing").GetArrayLength());
        Assert.Equal(Agreeing, corroboration.GetProperty("agreeingCount").GetInt32());
        Assert.Equal($"/claims?agrees_with={hub.HubId}", corroboration.GetProperty("agreeingHref").GetString());
        Assert.Equal(Corroborations.Embedded, corroboration.GetProperty("sources").GetArrayLength());
        Assert.Equal(1 + OtherSources, corroboration.GetProperty("sourceCount").GetInt32());
        Assert.Equal(Corroborations.Embedded, corroboration.GetProperty("supporters").GetArrayLength());
        // The hub's outlet, the template's asserter and the hundred asserters of the clones.
        Assert.Equal(2 + Asserters, corroboration.GetProperty("independentSupports").GetInt32());
        Assert.True(bytes < 96 * KiB, $"GET /claims/{{id}} answered {bytes:N0} bytes");
    }

    [Fact]
    public async Task Lists_that_embed_the_claim_stay_bounded()
    {
        var board = await ReadAsync("/conflicts?limit=200");
        Assert.Equal(200, board.Body.GetProperty("items").GetArrayLength());
        Assert.True(board.Bytes < 12 * KiB * KiB, $"GET /conflicts answered {board.Bytes:N0} bytes");

        var ofHub = await ReadAsync($"/conflicts?claim={hub.HubId}&limit=200");
        Assert.All(ofHub.Body.GetProperty("items").EnumerateArray(), c => Assert.Contains(c.GetProperty("claims").EnumerateArray(), k => k.GetProperty("id").GetInt64() == hub.HubId));
        Assert.NotNull(ofHub.Body.GetProperty("nextCursor").GetString());
        Assert.True(ofHub.Bytes < 12 * KiB * KiB, $"GET /conflicts?claim= answered {ofHub.Bytes:N0} bytes");

        var one = await ReadAsync($"/conflicts/{hub.HubConflict}");
        Assert.True(one.Bytes < 128 * KiB, $"GET /conflicts/{{id}} answered {one.Bytes:N0} bytes");

        var claims = await ReadAsync($"/claims?subject={hub.World.SubjectId}&limit=200");
        Assert.Equal(200, claims.Body.GetProperty("items").GetArrayLength());
        Assert.True(claims.Bytes < 1 * KiB * KiB, $"GET /claims answered {claims.Bytes:N0} bytes");

        var figure = await ReadAsync($"/figures?value=2500&unit={hub.Unit}&limit=200");
        var main = figure.Body.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("source").GetProperty("id").GetInt64() == hub.MainSource);
        Assert.Equal(FindFigureClaimsPerSource, main.GetProperty("claims").GetArrayLength());
        Assert.Equal(Agreeing + 1, main.GetProperty("claimCount").GetInt32());
        Assert.Equal($"/claims?value=2500&source={hub.MainSource}&unit={hub.Unit}", main.GetProperty("claimsHref").GetString());
        Assert.Equal(1 + OtherSources, figure.Body.GetProperty("sourceCount").GetInt64());
        Assert.True(figure.Bytes < 2 * KiB * KiB, $"GET /figures answered {figure.Bytes:N0} bytes");
    }

    private const int FindFigureClaimsPerSource = ClaimTracker.Api.Figures.FindFigure.ClaimsPerSource;

    [Fact]
    public async Task The_agreeing_claims_link_pages_through_every_one_of_them()
    {
        var corroboration = (await ReadAsync($"/claims/{hub.HubId}")).Body.GetProperty("corroboration");

        var agreeing = await WalkAsync(corroboration.GetProperty("agreeingHref").GetString()!);

        Assert.Equal(Agreeing, agreeing.Distinct().Count());
        Assert.Equal(corroboration.GetProperty("agreeing").EnumerateArray().Select(a => a.GetProperty("claimId").GetInt64()),
            agreeing.Order().Take(Corroborations.Embedded));
    }

    [Fact]
    public async Task The_conflicts_link_pages_through_every_conflict_of_the_claim()
    {
        // A claim of its own in 25 conflicts (each conflict embeds it, so the hub's 5,000 are not walked here).
        var world = hub.World;
        var subject = $"Paged force {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(subject);
        object Claim(decimal amount, int sentence) => new Dictionary<string, object?>
        {
            ["subject"] = subject, ["property"] = "troop_count",
            // A unit of its own: the figure look-up of the hub's unit counts the hub's claims only, whatever ran first.
            ["value"] = new { kind = "quantity", amount, unit = hub.Unit + "-paged" },
            ["evidence"] = new[] { new { sourceId = hub.MainSource, exact = Hub.Sentence(sentence) } },
        };
        var id = (await (await world.Curator.PostJsonAsync("/claims", Claim(2500, 4))).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var other = (await (await world.Curator.PostJsonAsync("/claims", Claim(9000, 5))).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        await using (var connection = await hub.Db.OpenConnectionAsync())
        {
            var columns = string.Join(", ", ClaimFields.ColumnNames);
            await connection.ExecuteAsync($"""
                with clones as (
                    insert into claims ({columns}, created_by, updated_by)
                    select {columns}, created_by, updated_by from claims, generate_series(1, 24) where id = @other
                    returning id, created_by
                )
                insert into conflicts (claim_a, claim_b, rule, scope, updated_by)
                select @id, c.id, 'quantity', 'between_reports', c.created_by from clones c
                """, new { id, other });
        }
        var claim = (await ReadAsync($"/claims/{id}")).Body;

        var walked = await WalkAsync(claim.GetProperty("conflictsHref").GetString()!, 10);

        await using var db = await hub.Db.OpenConnectionAsync();
        var all = (await db.QueryAsync<long>("select id from conflicts where @id in (claim_a, claim_b) and status <> 'closed' order by id", new { id })).ToList();
        Assert.Equal(25, all.Count);
        Assert.Equal(all, walked.Order());
        Assert.Equal(25, claim.GetProperty("conflictCount").GetInt32());
        Assert.Equal(all.Take(ClaimDetail.EmbeddedConflicts), claim.GetProperty("conflicts").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
    }

    private async Task<List<long>> WalkAsync(string href, int limit = 200)
    {
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var body = await (await _client.GetAsync($"{href}&limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}")).ReadJsonAsync(HttpStatusCode.OK);
            ids.AddRange(body.Ids());
            cursor = body.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return ids;
    }

    [Fact]
    public async Task A_claim_holding_the_most_evidence_refuses_more_and_writes_nothing()
    {
        var before = await hub.CountRowsAsync();
        var version = (await ReadAsync($"/claims/{hub.HubId}")).Body.GetProperty("version").GetInt32();

        var refused = await hub.World.Curator.PostJsonAsync($"/claims/{hub.HubId}/evidence", new { sourceId = hub.MainSource, exact = Hub.Sentence(101) });

        var problem = await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(ClaimWrites.MaxEvidence, problem.GetProperty("maxEvidence").GetInt32());
        Assert.Contains("at most 100", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await hub.CountRowsAsync());
        Assert.Equal(version, (await ReadAsync($"/claims/{hub.HubId}")).Body.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_snapshot_stored_with_every_conflict_reads_back_bounded()
    {
        // A revision written before conflicts were bounded: the hub's first 30 conflicts, and no count.
        await using var connection = await hub.Db.OpenConnectionAsync();
        var claim = (await hub.World.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit = hub.Unit + "-snapshot" }),
            ("evidence", new[] { new { sourceId = hub.MainSource, exact = Hub.Sentence(3) } }))).GetProperty("id").GetInt64();
        await connection.ExecuteAsync("""
            update claim_revisions set after = (after - 'conflictCount' - 'conflictsHref') || jsonb_build_object('conflicts',
                (select jsonb_agg(jsonb_build_object('id', f.id, 'status', f.status, 'rule', f.rule, 'scope', f.scope,
                                                     'otherClaimId', f.claim_b, 'href', '/conflicts/' || f.id) order by f.id)
                 from (select * from conflicts where claim_a = @hub or claim_b = @hub order by id limit 30) f))
            where claim_id = @claim
            """, new { hub = hub.HubId, claim });

        var history = (await ReadAsync($"/claims/{claim}/history")).Body;

        var after = history[0].GetProperty("after");
        Assert.Equal(ClaimDetail.EmbeddedConflicts, after.GetProperty("conflicts").GetArrayLength());
        Assert.Equal(30, after.GetProperty("conflictCount").GetInt32());
        Assert.Equal($"/conflicts?claim={claim}", after.GetProperty("conflictsHref").GetString());
    }
}
