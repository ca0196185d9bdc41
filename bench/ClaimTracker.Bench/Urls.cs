using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace ClaimTracker.Bench;

/// <summary>
/// Request lists drawn from the corpus as readers would ask: the subject and property of random claims (so popular
/// questions are asked as often as they are claimed about), figures that claims state, search terms that match few
/// claims (rare words, little-reported subjects) and terms that match many. Writes one URL per line, plus
/// info.json with what the harness needs (largest claim id, an id to capture GET /claims/{id} with, match counts).
/// </summary>
public static partial class Urls
{
    public static async Task<int> RunAsync(Options options)
    {
        var dir = options.Text("out");
        Directory.CreateDirectory(dir);
        await using var db = NpgsqlDataSource.Create(options.Text("conn"));
        var rng = new Rng(options.ULong("seed", 11));
        var maxId = await ImportBench.ScalarAsync(db, "select max(id) from claims");
        var claimCount = await ImportBench.ScalarAsync(db, "select count(*) from claims where status <> 'retracted'");
        var sample = Enumerable.Range(0, 4_000).Select(_ => 1 + (long)(rng.NextDouble() * maxId)).ToArray();

        var rows = new List<(string Subject, string Property, string ValueKind, decimal? Amount, string Passage)>();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var cmd = new NpgsqlCommand("""
                select s.name, p.key, c.value_kind, c.amount, ps.exact
                from claims c join subjects s on s.id = c.subject_id join properties p on p.id = c.property_id
                join lateral (select ps.exact from claim_evidence e join passages ps on ps.id = e.passage_id where e.claim_id = c.id limit 1) ps on true
                where c.id = any(@ids) and c.status <> 'retracted'
                """, connection);
            cmd.Parameters.AddWithValue("ids", sample);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.GetString(4)));
            }
        }

        static string E(string s) => Uri.EscapeDataString(s);
        await File.WriteAllLinesAsync(Path.Combine(dir, "list.txt"), rows.Take(2_000).Select(r => $"/claims?subject={E(r.Subject)}&property={r.Property}"));
        await File.WriteAllLinesAsync(Path.Combine(dir, "figures.txt"), rows.Where(r => r.Amount is not null).Take(2_000)
            .Select((r, i) => $"/figures?value={E(i % 2 == 0 ? r.Amount!.Value.ToString("#,0.##", CultureInfo.InvariantCulture) : r.Amount!.Value.ToString(CultureInfo.InvariantCulture))}"));
        await File.WriteAllLinesAsync(Path.Combine(dir, "conflicts.txt"), ["/conflicts?status=open"]);

        // Search terms: rare words of claim passages and names of little-reported subjects (selective); common words (not).
        var candidates = rows.SelectMany(r => Word().Matches(r.Passage).Select(m => m.Value.ToLowerInvariant()))
            .Where(w => w.Length >= 6).Distinct().OrderBy(Fnv).Take(500).ToList();
        var selective = new List<(string Term, long Matches)>();
        foreach (var term in candidates)
        {
            var n = await CountAsync(db, term, 501);
            if (n is >= 1 and <= 500) selective.Add((term, n));
            if (selective.Count == 150) break;
        }
        var rareSubjects = new List<(string Term, long Matches)>();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var cmd = new NpgsqlCommand("""
                select s.name from subjects s
                where s.id <= 5000 and (select count(*) from claims c where c.subject_id = s.id) between 1 and 60
                order by hashtext(s.name) limit 150
                """, connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rareSubjects.Add((reader.GetString(0), 0));
        }
        for (var i = 0; i < rareSubjects.Count; i++) rareSubjects[i] = (rareSubjects[i].Term, await CountAsync(db, rareSubjects[i].Term, 100_000));
        var selectiveTerms = selective.Concat(rareSubjects.Where(s => s.Matches is >= 1 and <= 500)).ToList();

        var unselective = new List<(string Term, long Matches)>();
        foreach (var term in new[] { "people", "troops", "according", "amid", "killed", "wounded", "officials", "discussion", "ministry", "said", "confirmed", "near" })
        {
            var n = await CountAsync(db, term, long.MaxValue);
            if (n >= claimCount / 20) unselective.Add((term, n));
        }
        await File.WriteAllLinesAsync(Path.Combine(dir, "fts-selective.txt"), selectiveTerms.Select(t => $"/claims?q={E(t.Term)}"));
        await File.WriteAllLinesAsync(Path.Combine(dir, "fts-unselective.txt"), unselective.Select(t => $"/claims?q={E(t.Term)}"));

        // Lists for deep pagination, each long enough; and an id whose claim has agreeing claims, to capture GET /claims/{id}.
        var topProperty = await TextAsync(db, "select p.key from claims c join properties p on p.id = c.property_id where c.status <> 'retracted' group by p.key order by count(*) desc limit 1");
        var topSubject = await TextAsync(db, "select s.name from claims c join subjects s on s.id = c.subject_id where c.status <> 'retracted' group by s.name order by count(*) desc limit 1");
        var captureId = await ImportBench.ScalarAsync(db, """
            select x.id from claims x
            where x.id > 1000 and x.status <> 'retracted' and x.value_kind = 'quantity'
              and exists (select 1 from claims y where y.subject_id = x.subject_id and y.property_id = x.property_id and y.id <> x.id
                          and claims_comparable(x, y) and claims_agree(x, y))
            order by x.id limit 1
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "info.json"), JsonSerializer.Serialize(new
        {
            maxClaimId = maxId, claims = claimCount, captureId, topProperty, topSubject,
            deepLists = new[] { "/claims", "/claims?sort=recent", $"/claims?property={topProperty}" },
            selectiveMatches = Summary(selectiveTerms.Select(t => t.Matches)),
            unselective = unselective.Select(t => new { t.Term, t.Matches }),
            listUrls = Math.Min(2_000, rows.Count), figureUrls = rows.Count(r => r.Amount is not null),
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"{rows.Count} claims sampled; {selectiveTerms.Count} selective terms; unselective: {string.Join(", ", unselective.Select(u => $"{u.Term} ({u.Matches:N0})"))}");
        return 0;
    }

    private static object Summary(IEnumerable<long> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? new { n = 0, min = 0L, median = 0L, max = 0L } : new { n = v.Length, min = v[0], median = v[v.Length / 2], max = v[^1] };
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string q, long cap)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(cap == long.MaxValue
            ? "select count(*) from claims c where c.status <> 'retracted' and c.search @@ websearch_to_tsquery('english', @q)"
            : "select count(*) from (select 1 from claims c where c.status <> 'retracted' and c.search @@ websearch_to_tsquery('english', @q) limit @cap) x", connection) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue("q", q);
        if (cap != long.MaxValue) cmd.Parameters.AddWithValue("cap", cap);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task<string> TextAsync(NpgsqlDataSource db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A stable hash (string.GetHashCode differs from run to run).</summary>
    private static ulong Fnv(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s) h = (h ^ c) * 1099511628211UL;
        return h;
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();
}
