using System.Net;
using System.Text;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Imports;

/// <summary>
/// An import of long texts (invented inquiry reports of nearly a million characters each, the most a text may have)
/// holds a bounded amount of text whatever the texts' length: a batch is written once its texts reach the bound, not
/// only at 5,000 rows, and a text let go of is read back for a later passage; after a rejection, when nothing is
/// written, the texts stay. A class of its own, for the log it reads.
/// </summary>
public sealed class ImportLongTextTests(LoggedApiFactory api) : IClassFixture<LoggedApiFactory>
{
    [Fact]
    public async Task Long_reports_are_written_in_batches_bounded_by_their_text_and_a_passage_anchors_in_one_no_longer_held()
    {
        var curator = await api.CuratorClientAsync();
        curator.Timeout = TimeSpan.FromMinutes(5);
        var u = Samples.Unique();
        var first = Report(1, "Annex A: 4,180 soldiers were withdrawn by March.", u);
        var subject = $"Inquiry subject {u}";
        var lines = new List<object> { new { type = "subject", name = subject } };
        lines.Add(new { type = "source", @ref = "r1", title = $"Inquiry {u} part 1", body = first, language = "en" });
        lines.Add(new { type = "source", @ref = "r2", title = $"Inquiry {u} part 2", body = Report(2, "Annex B: 950 contractors stayed.", u), language = "en" });
        lines.Add(new { type = "source", @ref = "r3", title = $"Inquiry {u} part 3", body = Report(3, "Annex C: 12 bases were closed.", u), language = "en" });
        lines.Add(new { type = "source", @ref = "r4", title = $"Inquiry {u} part 4", body = Report(4, "Annex D: 3 airfields were handed over.", u), language = "en" });
        lines.Add(new { type = "source", @ref = "r5", title = $"Inquiry {u} part 5", body = Report(5, "Annex E: 60 advisers remained.", u), language = "en" });
        // The five texts (4.75 million characters) fill the first batch; once it is written, the oldest text is let go of.
        lines.Add(new { type = "claim", subject, property = "troop_count", validAt = "2026-03", value = new { kind = "quantity", amount = 4180 },
            evidence = new[] { new { source = "r1", exact = "4,180 soldiers were withdrawn" } } });
        lines.Add(new { type = "claim", subject, property = "troop_count", validAt = "2026-04", value = new { kind = "quantity", amount = 950 },
            evidence = new[] { new { source = "r2", exact = "950 contractors" } } });

        var report = await (await curator.PostAsync("/import", Ndjson.Of(lines))).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, report.GetProperty("imported").GetProperty("claims").GetInt64());
        var committed = Assert.Single(api.Logs.Entries, e => e.Message.StartsWith("Import committed")
            && e.Values.TryGetValue("Lines", out var n) && Convert.ToInt64(n) == lines.Count);
        // Without the bound, the eight rows would have been one batch.
        Assert.Equal(2, Convert.ToInt32(committed.Values["Batches"]));

        var claims = await api.CreateClient().GetJsonAsync($"/claims?subject={Uri.EscapeDataString(subject)}&value=4180");
        var evidence = Assert.Single(Assert.Single(claims.GetProperty("items").EnumerateArray()).GetProperty("evidence").EnumerateArray());
        Assert.Equal("4,180 soldiers were withdrawn", evidence.GetProperty("exact").GetString());
        var start = first[..first.IndexOf("4,180 soldiers", StringComparison.Ordinal)].EnumerateRunes().Count();
        Assert.Equal(start, evidence.GetProperty("start").GetInt32());
        Assert.EndsWith("in detail.\nAnnex A: ", evidence.GetProperty("prefix").GetString());
    }

    [Fact]
    public async Task A_refused_import_of_long_reports_checks_a_passage_of_a_report_it_could_not_write_and_names_only_the_rejected_line()
    {
        // Once a line is rejected nothing is written, so a text let go of could not be read back: the checking of a
        // later passage in it failed (500) instead of the report naming the one rejected line.
        var curator = await api.CuratorClientAsync();
        curator.Timeout = TimeSpan.FromMinutes(5);
        var u = Samples.Unique();
        var subject = $"Refused inquiry subject {u}";
        var lines = new List<object>
        {
            new { type = "subject", name = subject },
            // A claim without evidence: the one line to reject.
            new { type = "claim", subject, property = "troop_count", value = new { kind = "quantity", amount = 1 } },
        };
        for (var n = 1; n <= 5; n++)
        {
            lines.Add(new { type = "source", @ref = $"r{n}", title = $"Refused inquiry {u} part {n}", body = Report(n, $"Annex {n}: {n * 100} guards stayed.", u), language = "en" });
        }
        lines.Add(new { type = "claim", subject, property = "troop_count", validAt = "2026-03", value = new { kind = "quantity", amount = 100 },
            evidence = new[] { new { source = "r1", exact = "100 guards stayed" } } });

        var problem = await (await curator.PostAsync("/import", Ndjson.Of(lines))).ReadProblemAsync(HttpStatusCode.UnprocessableEntity);

        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("line").GetInt64());
        Assert.Equal("evidence", rejected.GetProperty("field").GetString());
    }

    // A character outside the Basic Multilingual Plane early on: offsets count code points, two UTF-16 units each here.
    private static string Report(int n, string annex, string u)
    {
        var text = new StringBuilder($"Inquiry report {n} {u}. Prepared for the committee \U00010380 (Ugaritic a).\n\n");
        for (var paragraph = 0; text.Length < 950_000; paragraph++)
        {
            text.Append($"Paragraph {paragraph}: witnesses from the northern districts described the convoys, the checkpoints and the supply roads in detail.\n");
        }
        return text.Append(annex).ToString();
    }
}
