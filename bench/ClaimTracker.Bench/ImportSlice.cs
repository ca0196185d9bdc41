using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Sources;

namespace ClaimTracker.Bench;

/// <summary>
/// An import slice: sources past the corpus (same generator), as the NDJSON that POST /import reads: each source,
/// its twenty passages (by offsets; one in five also quotes its text, which the import checks), and its ten claims
/// with their evidence by passage ref. Claims name their subjects and asserters, which the database already has.
/// A claim's second passage is one of an earlier source of the same slice, so the slice imports into a database
/// with no sources too.
/// </summary>
public static class ImportSlice
{
    public static int Write(CorpusOptions options, int from, int count, string path)
    {
        var corpus = new Corpus(options);
        using var output = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        long lines = 0;
        for (var s = from; s < from + count; s++)
        {
            var doc = corpus.Source(s);
            var r = Rng.For(options.Seed, 99, (ulong)s);
            // Each line is the single-item endpoint's body, with its type and a ref for later lines.
            output.WriteLine(Line("source", $"s{s}", new CreateSourceRequest(doc.Title, doc.Body, "en", doc.Subtitle, doc.Outlet,
                doc.Authors, doc.Url, doc.Published.ToString(), $"{doc.RetrievedOn:yyyy-MM-dd}")));
            for (var k = 0; k < doc.Passages.Length; k++)
            {
                var a = doc.Passages[k].Anchor;
                var passage = Node(new CreatePassageRequest(a.Start, a.End, r.Chance(0.2) ? a.Exact : null));
                passage["source"] = $"s{s}";
                output.WriteLine(Line("passage", $"p{s}_{k}", passage));
            }
            for (var j = 0; j < doc.Claims.Length; j++)
            {
                var c = doc.Claims[j];
                var evidence = new JsonArray { new JsonObject { ["passage"] = $"p{s}_{j}" } };
                if (c.ForeignEvidence >= 0 && s > from) evidence.Add(new JsonObject { ["passage"] = $"p{from + r.Next(s - from)}_{10 + r.Next(10)}" });
                var claim = Node(new CreateClaimRequest(c.Property.Key, c.Value, [], c.Subject.Name, null, c.Asserter?.Name, null,
                    c.ValidAt, c.ValidFrom, c.ValidTo, c.StatedOn, c.Location, c.Note,
                    c.Status == ClaimStatus.Verified ? ClaimStatus.Verified : ClaimStatus.Draft));
                claim["evidence"] = evidence;
                output.WriteLine(Line("claim", $"c{s}_{j}", claim));
            }
            lines += 1 + doc.Passages.Length + doc.Claims.Length;
        }
        Console.WriteLine($"{lines} lines: {count} sources, {count * CorpusOptions.PassagesPerSource} passages, {count * CorpusOptions.ClaimsPerSource} claims");
        return 0;
    }

    private static JsonObject Node<T>(T body)
    {
        var node = JsonSerializer.SerializeToNode(body, Loader.Json)!.AsObject();
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList()) node.Remove(key);
        return node;
    }

    private static string Line<T>(string type, string reference, T body) => Line(type, reference, Node(body));

    private static string Line(string type, string reference, JsonObject body)
    {
        var line = new JsonObject { ["type"] = type, ["ref"] = reference };
        foreach (var (key, value) in body) line[key] = value?.DeepClone();
        return line.ToJsonString(Loader.Json);
    }
}
