using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Imports;

public sealed class ImportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static string Body(string u) => $"Report {u}. The US has about 2,500 troops in Iraq. Another count put it at 4,000 troops. Officials declined to comment.";

    [Fact]
    public async Task A_valid_import_writes_every_row_links_refs_and_opens_conflicts_set_wise()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var subject = $"Imported force {u}";
        // An existing claim the import will contradict.
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        await world.Curator.PostJsonAsync($"/subjects/{world.SubjectId}/aliases", new { alias = $"{subject} elsewhere" });
        var lines = new object[]
        {
            new { type = "subject", name = subject, kind = "military force", aliases = new[] { $"{subject} alias" } },
            new { type = "source", @ref = "s1", title = $"Imported {u}", body = Body(u), language = "en", outlet = "Import Wire", published = "2024-09" },
            new { type = "passage", @ref = "p1", source = "s1", exact = "about 2,500 troops" },
            new { type = "claim", @ref = "c1", subject, property = "troop_count",
                  value = new { kind = "quantity", amount = 2500, approximation = "approximate" }, evidence = new[] { new { passage = "p1" } } },
            new { type = "claim", subject = $"{subject} alias", property = "troop_count", assertedBy = world.Asserter,
                  value = new { kind = "quantity", amount = 4000 }, evidence = new object[] { new { source = "s1", exact = "4,000 troops" } } },
            new { type = "claim", subject = world.Subject, property = "troop_count", value = new { kind = "quantity", amount = 9000 },
                  evidence = new object[] { new { source = "s1", exact = "Officials declined to comment" } } },
        };

        var response = await curator.PostAsync("/import", Ndjson.Of(lines));

        var report = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(report.GetProperty("committed").GetBoolean());
        var imported = report.GetProperty("imported");
        Assert.Equal((1, 1, 3, 3), (imported.GetProperty("subjects").GetInt64(), imported.GetProperty("sources").GetInt64(),
            imported.GetProperty("passages").GetInt64(), imported.GetProperty("claims").GetInt64()));
        // 2,500 vs 4,000 inside the import; 9,000 vs the world's about 2,500 already stored.
        Assert.Equal(2, report.GetProperty("conflictsOpened").GetInt64());
        var claims = await api.CreateClient().GetJsonAsync($"/claims?subject={Uri.EscapeDataString(subject)}");
        Assert.Equal(2, claims.GetProperty("items").GetArrayLength());
        Assert.Single(claims.GetProperty("items")[0].GetProperty("conflicts").EnumerateArray());
        Assert.Single((await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&value=9000")).GetProperty("items")[0].GetProperty("conflicts").EnumerateArray());
        var found = await api.CreateClient().GetJsonAsync($"/claims?q=declined&subject={world.SubjectId}");
        Assert.Single(found.GetProperty("items").EnumerateArray());
        var id = claims.GetProperty("items")[0].GetProperty("id").GetInt64();
        var history = await api.CreateClient().GetJsonAsync($"/claims/{id}/history");
        Assert.Equal("bulk import", history[0].GetProperty("reason").GetString());
        Assert.Equal(id, history[0].GetProperty("after").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Figures_of_one_country_imported_together_are_each_held_against_their_own_time_below_a_camps()
    {
        // Invented reports. The country's figures in one import are looked up against the camp's together (one walk per
        // subject and property): each must still meet only the camp's figures above it at its own time.
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var (country, camp) = ($"Country {u}", $"Camp {u}");
        const string campReport = "In January 2020 the camp held 500 troops; a later count said 2,000 troops. By January 2024 it held 5,000 troops.";
        const string countryReport = "The country had 1,000 troops in January 2020 and 3,000 troops in January 2024.";
        object Figure(string subject, string source, string month, int amount, string exact) => new
        {
            type = "claim", @ref = $"{subject} {amount}", subject, property = "troop_count", validAt = month,
            value = new { kind = "quantity", amount }, evidence = new[] { new { source, exact } },
        };
        var first = await curator.PostAsync("/import", Ndjson.Of([
            new { type = "subject", name = country, kind = "place" },
            new { type = "subject", name = camp, kind = "place", broader = country },
            new { type = "source", @ref = "camp", title = $"Camp wire {u}", body = campReport, language = "en", published = "2024-02" },
            Figure(camp, "camp", "2020-01", 500, "500 troops"),
            Figure(camp, "camp", "2020-01", 2000, "2,000 troops"),
            Figure(camp, "camp", "2024-01", 5000, "5,000 troops"),
        ]));
        // The camp's two counts for January 2020 disagree with each other.
        Assert.Equal(1, (await first.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("conflictsOpened").GetInt64());

        var second = await curator.PostAsync("/import", Ndjson.Of([
            new { type = "source", @ref = "country", title = $"Country wire {u}", body = countryReport, language = "en", published = "2024-02" },
            Figure(country, "country", "2020-01", 1000, "1,000 troops"),
            Figure(country, "country", "2024-01", 3000, "3,000 troops"),
        ]));

        Assert.Equal(2, (await second.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("conflictsOpened").GetInt64());
        var pairs = new List<(decimal Country, decimal Camp)>();
        foreach (var claim in (await api.CreateClient().GetJsonAsync($"/claims?subject={Uri.EscapeDataString(country)}&sort=id")).GetProperty("items").EnumerateArray())
        {
            foreach (var conflict in claim.GetProperty("conflicts").EnumerateArray())
            {
                Assert.Equal("exceeds_broader", conflict.GetProperty("rule").GetString());
                var other = await api.CreateClient().GetJsonAsync($"/claims/{conflict.GetProperty("otherClaimId").GetInt64()}");
                pairs.Add((claim.GetProperty("value").GetProperty("amount").GetDecimal(), other.GetProperty("value").GetProperty("amount").GetDecimal()));
            }
        }
        // Not 5,000 in 2024 above 1,000 in 2020: four years apart, beyond the troop count's window.
        Assert.Equal([(1000m, 2000m), (3000m, 5000m)], pairs);
    }

    [Fact]
    public async Task A_line_that_sends_a_field_twice_is_rejected_naming_it()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var before = await api.CountRowsAsync();

        var response = await curator.PostAsync("/import", Ndjson.Of([
            $$"""{"type":"subject","name":"Twice named {{u}}","name":"Renamed {{u}}"}""",
            $$"""{"type":"subject","name":"Once named {{u}}","kind":"body","aliases":["A {{u}}"]}""",
        ]));

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejected = problem.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1L, "name")], rejected);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task One_bad_line_refuses_the_whole_import_and_every_rejected_line_is_reported()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var before = await api.CountRowsAsync();
        var lines = new object[]
        {
            new { type = "source", @ref = "s1", title = $"Refused {u}", body = Body(u), language = "en" },
            new { type = "claim", subject = "US forces in Iraq", property = "troop_colour", value = new { kind = "quantity", amount = 1 },
                  evidence = new[] { new { source = "s1", exact = "about 2,500 troops" } } },
            "{not json",
            new { type = "claim", subject = "US forces in Iraq", property = "troop_count", value = new { kind = "quantity", amount = 1 },
                  evidence = new[] { new { source = "s1", exact = "about 2,000 troops" } } },
            new { type = "passage", source = "s9", exact = "troops" },
            new { type = "source", @ref = "s2", title = "Again", body = Body(u), language = "en" },
            new { type = "galaxy" },
            new { type = "claim", subject = "US forces in Iraq", property = "troop_count", value = new { kind = "quantity", amount = -5 },
                  evidence = new[] { new { source = "s1", exact = "about 2,500 troops" } } },
        };

        var response = await curator.PostAsync("/import", Ndjson.Of(lines));

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejected = problem.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(2, "property"), (3, "$"), (4, "evidence[0].exact"), (5, "source"), (6, "body"), (7, "type"), (8, "value.amount")], rejected);
        Assert.Equal(7, problem.GetProperty("rejectedCount").GetInt64());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_large_import_spans_several_COPY_batches_in_one_transaction()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var subject = $"Batch subject {u}";
        var lines = new List<object> { new { type = "subject", name = subject } };
        for (var s = 0; s < 60; s++)
        {
            lines.Add(new { type = "source", @ref = $"s{s}", title = $"Batch {u} {s}", body = $"Batch {u} source {s}: " + string.Join(" ", Enumerable.Range(0, 200).Select(i => $"figure {i} is {i * 7}.")), language = "en" });
            for (var i = 0; i < 200; i++)
            {
                // One figure per year and source's neighbours agree, so the batch opens no conflicts of its own.
                lines.Add(new { type = "claim", subject, property = "attack_count", validAt = $"{1800 + i}", value = new { kind = "quantity", amount = i * 7 },
                    evidence = new[] { new { source = $"s{s}", exact = $"figure {i} is {i * 7}." } } });
            }
        }

        // Half a minute alone; on two cores shared with other test classes it has passed HttpClient's 100 s default.
        curator.Timeout = TimeSpan.FromMinutes(5);
        var report = await (await curator.PostAsync("/import", Ndjson.Of(lines))).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(12_000, report.GetProperty("imported").GetProperty("claims").GetInt64());
        Assert.Equal(0, report.GetProperty("conflictsOpened").GetInt64());
        var facets = await api.CreateClient().GetJsonAsync($"/claims?subject={Uri.EscapeDataString(subject)}&limit=1&facet=property");
        Assert.Equal(12_000, facets.GetProperty("facets").GetProperty("property")[0].GetProperty("count").GetInt64());
        var first = await api.CreateClient().GetJsonAsync($"/claims?subject={Uri.EscapeDataString(subject)}&limit=1&facet=source");
        Assert.Equal(200, first.GetProperty("facets").GetProperty("source")[0].GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Late_lines_of_a_long_import_anchor_in_its_first_sources_and_in_stored_ones_while_earlier_batches_are_written()
    {
        // The import holds the last 2,000 source texts it read (fewer when they are long); an earlier one is read back from its own writes, which
        // go on while later lines are checked. A stored source's text comes from the database as it was.
        var curator = await api.CuratorClientAsync();
        curator.Timeout = TimeSpan.FromMinutes(5);
        var u = Samples.Unique();
        var stored = (await curator.CreateSourceAsync(Samples.Source(body: $"Stored wire {u}. Officials counted 310 rockets.")))
            .GetProperty("id").GetInt64();
        var subject = $"Late subject {u}";
        var lines = new List<object> { new { type = "subject", name = subject } };
        // Three rows a source (its passage and claim): a second batch of 5,000 rows is written past the 2,000 texts held.
        const int Sources = 3_400;
        var day = new DateOnly(1900, 1, 1);
        for (var s = 0; s < Sources; s++)
        {
            lines.Add(new { type = "source", @ref = $"s{s}", title = $"Late {u} {s}", body = $"Late {u} source {s}: {s * 3} rockets fell.", language = "en" });
            lines.Add(new { type = "claim", subject, property = "attack_count", validAt = day.AddDays(s).ToString("yyyy-MM-dd"),
                value = new { kind = "quantity", amount = s * 3 }, evidence = new[] { new { source = $"s{s}", exact = $"{s * 3} rockets fell." } } });
        }
        lines.Add(new { type = "claim", subject, property = "attack_count", validAt = "1899-01-01", value = new { kind = "quantity", amount = 100001 },
            evidence = new[] { new { source = "s0", exact = $"Late {u} source 0" } } });
        lines.Add(new { type = "passage", @ref = "wire", sourceId = stored, exact = "310 rockets" });
        lines.Add(new { type = "claim", subject, property = "attack_count", validAt = "1899-01-02", value = new { kind = "quantity", amount = 100002 },
            evidence = new[] { new { passage = "wire" } } });
        // The same span as the first source's claim: that passage, not a second one.
        lines.Add(new { type = "claim", subject, property = "attack_count", validAt = "1899-01-03", value = new { kind = "quantity", amount = 100003 },
            evidence = new[] { new { source = "s1", exact = "3 rockets fell." } } });

        var report = await (await curator.PostAsync("/import", Ndjson.Of(lines))).ReadJsonAsync(HttpStatusCode.OK);

        var imported = report.GetProperty("imported");
        Assert.Equal((Sources, Sources + 2, Sources + 3), (imported.GetProperty("sources").GetInt64(),
            imported.GetProperty("passages").GetInt64(), imported.GetProperty("claims").GetInt64()));
        string Exact(JsonElement list) => Assert.Single(Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("evidence").EnumerateArray())
            .GetProperty("exact").GetString()!;
        var reader = api.CreateClient();
        var name = Uri.EscapeDataString(subject);
        Assert.Equal($"Late {u} source 0", Exact(await reader.GetJsonAsync($"/claims?subject={name}&value=100001")));
        Assert.Equal("310 rockets", Exact(await reader.GetJsonAsync($"/claims?subject={name}&value=100002")));
        Assert.Equal("3 rockets fell.", Exact(await reader.GetJsonAsync($"/claims?subject={name}&value=100003")));
    }

    [Fact]
    public async Task Lines_are_checked_against_what_the_database_and_earlier_lines_hold_across_chunks_of_lines()
    {
        // The import asks the database about a thousand lines' names, texts and URLs at once: every answer must be
        // the one a line-by-line check gives, in the chunk that asked and in later ones.
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var world = await World.CreateAsync(api);
        var storedBody = $"Stored report {u}. The US has about 2,500 troops in Iraq.";
        var storedUrl = $"https://example.org/stored/{u}";
        await curator.CreateSourceAsync(Samples.Source(body: storedBody, url: storedUrl));
        var before = await api.CountRowsAsync();
        var nobody = $"Nobody yet {u}";
        object Claim(string subject) => new
        {
            type = "claim", subject, property = "troop_count", value = new { kind = "quantity", amount = 2500, approximation = "approximate" },
            evidence = new[] { new { source = "s1", exact = "about 2,500 troops" } },
        };
        var lines = new List<object>
        {
            new { type = "subject", name = world.Subject.ToUpperInvariant(), kind = "military force" },       // 1: an existing name, in capitals
            new { type = "source", @ref = "s0", title = $"Copy {u}", body = storedBody, language = "en" },   // 2: a stored text
            new { type = "source", @ref = "s2", title = $"Again {u}", body = $"Other {u}", language = "en", url = storedUrl }, // 3: a stored URL
            new { type = "source", @ref = "s1", title = $"New {u}", body = Body(u), language = "en" },
            Claim(nobody),                                                                                    // 5: no such subject yet
            Claim($"{world.Subject} ALIAS"),                                                                  // 6: an existing alias
        };
        // Enough new subjects to carry the rest into a later chunk.
        for (var i = 0; i < 1_200; i++) lines.Add(new { type = "subject", name = $"Filler {u} {i}", kind = "body" });
        var later = lines.Count + 1;
        lines.Add(Claim($"filler {u} 7"));                                   // a subject of this import, from an earlier chunk
        lines.Add(Claim($"Never named {u}"));                                // no such subject: rejected
        lines.Add(new { type = "subject", name = nobody, kind = "body" });  // the name line 5 did not find, now made
        lines.Add(Claim(nobody));                                            // and found
        lines.Add(Claim(world.Subject.ToLowerInvariant()));                  // the existing subject, asked again in this chunk

        var response = await curator.PostAsync("/import", Ndjson.Of(lines));

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejected = problem.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1L, "name"), (2L, "body"), (3L, "url"), (5L, "subject"), (later + 1L, "subject")], rejected);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_line_with_a_lone_surrogate_is_rejected_naming_its_field_and_nothing_is_written()
    {
        var curator = await api.CuratorClientAsync();
        var before = await api.CountRowsAsync();
        var line = "{\"type\":\"subject\",\"name\":\"Lone \\udc00 surrogate\"}\n";

        var response = await curator.PostAsync("/import", new StringContent(line, Encoding.UTF8, "application/x-ndjson"));

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal("name", rejected.GetProperty("field").GetString());
        Assert.Contains("lone surrogate", rejected.ToString());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task An_import_needs_NDJSON_and_a_key()
    {
        var curator = await api.CuratorClientAsync();

        await (await curator.PostAsync("/import", new StringContent("{}", Encoding.UTF8, "application/json"))).ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await api.CreateClient().PostAsync("/import", Ndjson.Of([new { type = "subject", name = "x" }]))).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
