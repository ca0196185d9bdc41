using System.Text;
using Npgsql;

namespace ClaimTracker.Bench;

/// <summary>
/// EXPLAIN (ANALYZE, BUFFERS) of every statement a captured request ran, with the parameters it ran with (PREPARE,
/// then EXPLAIN EXECUTE, so the plan is the one for those values). The conflict look-up runs inside a SQL function,
/// so its plan is taken with auto_explain (nested statements), sent back as a notice.
/// </summary>
public static class Explain
{
    public static async Task<int> RunAsync(Options options)
    {
        var output = new StringBuilder();
        await using var db = NpgsqlDataSource.Create(options.Text("conn"));
        await using var connection = await db.OpenConnectionAsync();
        var notices = new List<string>();
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);

        foreach (var (label, statements) in CapturedLog.Read(options.Text("log")))
        {
            output.AppendLine($"==== {label}: {statements.Count} statement(s)");
            for (var i = 0; i < statements.Count; i++)
            {
                var s = statements[i];
                output.AppendLine().AppendLine($"-- statement {i + 1}, parameters: {string.Join(", ", s.Parameters.OrderBy(p => p.Key.Length).ThenBy(p => p.Key).Select(p => $"{p.Key} = {Short(p.Value)}"))}");
                output.AppendLine(s.Sql.Trim());
                try
                {
                    await Exec(connection, "deallocate all");
                    await Exec(connection, $"prepare q as {s.Sql}");
                    var args = s.Parameters.OrderBy(p => p.Key.Length).ThenBy(p => p.Key).Select(p => "'" + p.Value.Replace("'", "''") + "'");
                    var count = s.Parameters.Count;
                    await using var cmd = new NpgsqlCommand($"explain (analyze, buffers) execute q{(count == 0 ? "" : "(" + string.Join(", ", args) + ")")}", connection);
                    await using var reader = await cmd.ExecuteReaderAsync();
                    output.AppendLine("--");
                    while (await reader.ReadAsync()) output.AppendLine(reader.GetString(0));
                }
                catch (PostgresException e)
                {
                    output.AppendLine($"(could not explain: {e.MessageText})");
                }
            }
            output.AppendLine();
        }

        // The conflict look-up of a write (conflicting_pairs) and the search document (claim_search) run inside functions.
        await Exec(connection, "load 'auto_explain'");
        await Exec(connection, "set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on; set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice; set client_min_messages = notice");
        foreach (var (what, sql) in new[]
        {
            ("conflict look-up of a claim (conflicting_pairs), as every claim write runs it", $"select * from conflicting_pairs(array[{options.Text("conflict-id")}]::bigint[])"),
            ("conflict look-up of a claim in the largest subject/property group", """
                select * from conflicting_pairs(array(select id from claims where (subject_id, property_id) = (
                    select subject_id, property_id from claims group by 1, 2 order by count(*) desc limit 1) order by id desc limit 1))
                """),
        })
        {
            notices.Clear();
            await Exec(connection, sql);
            output.AppendLine($"==== {what}").AppendLine(sql.Trim()).AppendLine("-- auto_explain, nested statements:");
            foreach (var n in notices) output.AppendLine(n).AppendLine();
        }
        await File.WriteAllTextAsync(options.Text("out"), output.ToString());
        return 0;
    }

    private static string Short(string v) => v.Length > 80 ? v[..77] + "..." : v;

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
