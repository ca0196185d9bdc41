using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaimTracker.Bench;

/// <summary>A statement the app ran, as the server logged it, with its parameters ($1 = value).</summary>
public sealed record LoggedStatement(string Sql, Dictionary<string, string> Parameters);

/// <summary>
/// Reads the server's JSON log of a capture: statements of the application (log_min_duration_statement = 0), split by
/// the marker statements bench/run sends before each request (select 'bench-marker LABEL').
/// </summary>
public static partial class CapturedLog
{
    public static Dictionary<string, List<LoggedStatement>> Read(string path, string application = "ClaimTracker")
    {
        var sections = new Dictionary<string, List<LoggedStatement>>();
        List<LoggedStatement>? current = null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith('{')) continue;
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            if (!root.TryGetProperty("application_name", out var app) || app.GetString() != application) continue;
            var message = root.GetProperty("message").GetString() ?? "";
            if (Marker().Match(message) is { Success: true } marker)
            {
                sections[marker.Groups[1].Value] = current = [];
                continue;
            }
            var m = Execute().Match(message);
            if (!m.Success || current is null) continue;
            var parameters = new Dictionary<string, string>();
            if (root.TryGetProperty("detail", out var detail))
            {
                foreach (Match p in Parameter().Matches(detail.GetString() ?? "")) parameters[p.Groups[1].Value] = p.Groups[2].Value.Replace("''", "'");
            }
            current.Add(new LoggedStatement(m.Groups[1].Value, parameters));
        }
        return sections;
    }

    [GeneratedRegex(@"statement: select 'bench-marker ([^']+)'")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^duration: [\d.]+ ms\s+execute [^:]*: (.*)$", RegexOptions.Singleline)]
    private static partial Regex Execute();

    [GeneratedRegex(@"(\$\d+) = '((?:[^']|'')*)'")]
    private static partial Regex Parameter();
}

/// <summary>
/// Turns the statements one GET /claims/{id} ran into a pgbench script that runs the same SQL in the same order: the
/// claim id becomes a random :id; a statement whose parameter is the array of ids an earlier statement returned gets
/// them through \gset (the earlier statement wrapped in an array_agg) and runs only when that array is not empty, as
/// the endpoint does.
/// </summary>
public static partial class PgbenchScript
{
    public static int Run(Options options)
    {
        var id = options.Text("id");
        if (!CapturedLog.Read(options.Text("log")).TryGetValue(options.Text("label"), out var statements) || statements.Count == 0)
        {
            Console.Error.WriteLine("no statement of the application was logged for the request");
            return 1;
        }

        var script = new StringBuilder();
        script.AppendLine("-- The statements one GET /claims/{id} ran, captured from the server's log by bench/run.");
        // The ids the API is measured on (bench/run: every claim, or an evenly spaced sample of them).
        script.AppendLine($"\\set id {options.Text("ids")}");
        for (var i = 0; i < statements.Count; i++)
        {
            var (sql, parameters) = (statements[i].Sql, statements[i].Parameters);
            // A comment runs to the end of its line: dropped before the statement is folded onto one.
            var text = Whitespace().Replace(Comment().Replace(sql, ""), " ").Trim();
            var consumesArray = false;
            foreach (var (name, value) in parameters.OrderByDescending(p => p.Key.Length))
            {
                string replacement;
                if (value == id) replacement = ":id";
                else if (value.StartsWith('{')) (replacement, consumesArray) = (":ids", true);
                else replacement = "'" + value.Replace("'", "''") + "'";
                text = Regex.Replace(text, Regex.Escape(name) + @"(?!\d)", replacement);
            }
            var producesArray = i + 1 < statements.Count && statements[i + 1].Parameters.Values.Any(v => v.StartsWith('{'));
            if (producesArray) script.AppendLine($"select coalesce(array_agg(x.id), '{{}}') as ids, count(*) as n from ({text}) x \\gset");
            else if (consumesArray) script.AppendLine("\\if :n > 0").AppendLine(text + ";").AppendLine("\\endif");
            else script.AppendLine(text + ";");
        }
        File.WriteAllText(options.Text("out"), script.ToString());
        Console.WriteLine($"{statements.Count} statements captured");
        return 0;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // The app's SQL keeps no "--" inside a string literal, so every "--" starts a comment.
    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex Comment();
}
