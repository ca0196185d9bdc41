using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimTracker.Api.Claims;
using Npgsql;

namespace ClaimTracker.Bench;

/// <summary>
/// The cost of a claim write (POST /claims, conflict maintenance included), one request at a time. The claims come
/// from the corpus generator, past the corpus (so they fall in the subject/property groups as the corpus's own do,
/// large ones included), with an existing passage as evidence. The claims written are deleted afterwards, so the
/// database stays the corpus.
/// </summary>
public static class WriteBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var corpusOptions = new CorpusOptions(options.ULong("seed", 7), options.Int("sources"));
        var count = options.Int("count", 200);
        var warmup = options.Int("warmup", 30);
        var offset = options.Int("offset", 0);
        var corpus = new Corpus(corpusOptions);
        await using var db = NpgsqlDataSource.Create(options.Text("conn"));
        using var http = new HttpClient { BaseAddress = new Uri(options.Text("api")), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Text("key"));

        var requests = new List<CreateClaimRequest>();
        var r = Rng.For(corpusOptions.Seed, 77, (ulong)offset);
        for (var s = corpusOptions.Sources + 50_000 + offset; requests.Count < warmup + count; s++)
        {
            foreach (var c in corpus.Source(s).Claims)
            {
                if (requests.Count == warmup + count) break;
                var passage = 1 + (long)(r.NextDouble() * corpusOptions.Passages);
                requests.Add(new CreateClaimRequest(c.Property.Key, c.Value, [new EvidenceInput(PassageId: passage)], null, c.Subject.Id,
                    null, c.Asserter?.Id, c.ValidAt, c.ValidFrom, c.ValidTo, c.StatedOn, c.Location, c.Note,
                    c.Status == ClaimStatus.Verified ? ClaimStatus.Verified : ClaimStatus.Draft));
            }
        }

        var ids = new List<long>();
        var times = new List<double>();
        var conflicts = 0;
        try
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.PostAsJsonAsync("/claims", requests[i], Loader.Json);
                var body = await response.Content.ReadAsStringAsync();
                clock.Stop();
                if ((int)response.StatusCode != 201)
                {
                    Console.Error.WriteLine($"POST /claims answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 1_000)]}");
                    return 1;
                }
                using var json = JsonDocument.Parse(body);
                ids.Add(json.RootElement.GetProperty("id").GetInt64());
                if (i >= warmup)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    conflicts += json.RootElement.GetProperty("conflicts").GetArrayLength();
                }
            }
        }
        finally
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("""
                delete from conflicts where claim_a = any(@ids) or claim_b = any(@ids);
                delete from claim_revisions where claim_id = any(@ids);
                delete from claim_evidence where claim_id = any(@ids);
                delete from claims where id = any(@ids);
                """, connection);
            cmd.Parameters.AddWithValue("ids", ids.ToArray());
            await cmd.ExecuteNonQueryAsync();
        }
        times.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            writes = times.Count,
            medianMs = ImportBench.Median(times),
            p90Ms = times[(int)(times.Count * 0.9)],
            maxMs = times[^1],
            conflictsOpened = conflicts,
        }));
        return 0;
    }
}
