using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace ClaimTracker.Bench;

/// <summary>
/// POST /import of an NDJSON slice against a raw binary COPY of exactly the rows that import wrote. Each run: import
/// through the API (timed from the first byte sent to the response); read back every row it wrote (sources,
/// revisions, passages, claims with their search documents, evidence, revisions, conflicts) as binary COPY; delete
/// them; COPY them back in one transaction (timed); delete them again. Both sides write the same rows into the same
/// tables with the same indexes, constraints and foreign keys; the ratio is import rows/s over COPY rows/s.
/// </summary>
public static class ImportBench
{
    // Tables in foreign-key order, with the condition that selects the rows written after the marks were taken.
    private static readonly (string Table, string Key, string Mark)[] Tables =
    [
        ("sources", "id", "sources"),
        ("source_revisions", "id", "source_revisions"),
        ("source_fingerprints", "source_id", "sources"),
        ("passages", "id", "passages"),
        ("claims", "id", "claims"),
        ("claim_evidence", "claim_id", "claims"),
        ("claim_revisions", "claim_id", "claims"),
        ("conflicts", "id", "conflicts"),
    ];

    public static async Task<int> RunAsync(Options options)
    {
        var api = options.Text("api");
        var key = options.Text("key");
        var file = options.Text("file");
        var runs = options.Int("runs", 3);
        var label = options.Text("label", "import");
        await using var db = NpgsqlDataSource.Create(options.Text("conn"));
        // Deleting the rows again is bookkeeping, not measured: as the superuser, with triggers off, since some foreign
        // keys that point at these rows have no index (passages.state_revision_id, conflicts.preferred_claim_id).
        await using var admin = NpgsqlDataSource.Create(options.Text("admin-conn"));
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var columns = new Dictionary<string, string>();
        foreach (var (table, _, _) in Tables) columns[table] = await ColumnsAsync(db, table);

        var results = new List<(double Import, double Copy, long Lines, long Rows)>();
        for (var run = 0; run < runs; run++)
        {
            var marks = new Dictionary<string, long>();
            foreach (var mark in Tables.Select(t => t.Mark).Distinct()) marks[mark] = await ScalarAsync(db, $"select coalesce(max(id), 0) from {mark}");

            var clock = Stopwatch.StartNew();
            await using (var body = File.OpenRead(file))
            {
                using var content = new StreamContent(body, 1 << 16);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                using var response = await http.PostAsync("/import", content);
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"import failed: {(int)response.StatusCode} {text[..Math.Min(text.Length, 2_000)]}");
                    return 1;
                }
                clock.Stop();
                using var report = JsonDocument.Parse(text);
                var lines = report.RootElement.GetProperty("lines").GetInt64();
                var importSeconds = clock.Elapsed.TotalSeconds;

                // The rows the import wrote, as binary COPY.
                var dumps = new Dictionary<string, byte[]>();
                long rows = 0;
                await using (var connection = await db.OpenConnectionAsync())
                {
                    foreach (var (table, k, mark) in Tables)
                    {
                        using var buffer = new MemoryStream();
                        await using (var reader = await connection.BeginRawBinaryCopyAsync(
                            $"copy (select {columns[table]} from {table} where {k} > {marks[mark]}) to stdout (format binary)"))
                        {
                            await reader.CopyToAsync(buffer);
                        }
                        dumps[table] = buffer.ToArray();
                        rows += await ScalarAsync(db, $"select count(*) from {table} where {k} > {marks[mark]}");
                    }
                }
                await DeleteAsync(admin, marks);

                clock.Restart();
                await using (var connection = await db.OpenConnectionAsync())
                await using (var tx = await connection.BeginTransactionAsync())
                {
                    foreach (var (table, _, _) in Tables)
                    {
                        await using var writer = await connection.BeginRawBinaryCopyAsync($"copy {table} ({columns[table]}) from stdin (format binary)");
                        await writer.WriteAsync(dumps[table]);
                    }
                    await tx.CommitAsync();
                }
                var copySeconds = clock.Elapsed.TotalSeconds;
                await DeleteAsync(admin, marks);
                results.Add((importSeconds, copySeconds, lines, rows));
                Console.Error.WriteLine($"  {label} run {run + 1}: {lines:N0} lines ({rows:N0} table rows), import {importSeconds:F2} s ({lines / importSeconds:N0} lines/s), COPY {copySeconds:F2} s ({lines / copySeconds:N0} lines/s), ratio {copySeconds / importSeconds:F2}");
            }
        }
        // The deleted rows are dead tuples: clear them, so that later measurements find the tables as they were.
        foreach (var (table, _, _) in Tables) await ExecAsync(admin, $"vacuum (analyze) {table}");

        var import = Median(results.Select(r => r.Import));
        var copy = Median(results.Select(r => r.Copy));
        var ratio = Median(results.Select(r => r.Copy / r.Import));
        var n = results[0].Lines;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            label, lines = n, tableRows = results[0].Rows, importSeconds = import, copySeconds = copy,
            importRowsPerSecond = n / import, copyRowsPerSecond = n / copy, ratio, runs = results.Count,
        }));
        return 0;
    }

    /// <summary>Every stored column but the generated ones (the server computes those on COPY as on insert).</summary>
    private static async Task<string> ColumnsAsync(NpgsqlDataSource db, string table)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("""
            select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
            from information_schema.columns
            where table_schema = 'public' and table_name = @table and is_generated = 'NEVER'
            """, connection);
        cmd.Parameters.AddWithValue("table", table);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task DeleteAsync(NpgsqlDataSource db, Dictionary<string, long> marks)
    {
        var (claims, conflicts, passages, sources, revisions) = (marks["claims"], marks["conflicts"], marks["passages"], marks["sources"], marks["source_revisions"]);
        await ExecAsync(db, $"""
            set session_replication_role = replica;
            delete from conflicts where id > {conflicts} or claim_a > {claims} or claim_b > {claims};
            delete from claim_revisions where claim_id > {claims};
            delete from claim_evidence where claim_id > {claims};
            delete from claims where id > {claims};
            delete from claim_documents where claim_id > {claims};
            delete from passages where id > {passages};
            delete from source_revisions where id > {revisions};
            delete from source_fingerprints where source_id > {sources};
            delete from sources where id > {sources};
            reset session_replication_role;
            """);
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    internal static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
