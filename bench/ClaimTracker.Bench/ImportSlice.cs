using System.Text.Json;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Imports;

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
            output.WriteLine(JsonSerializer.Serialize(new ImportSource("source", $"s{s}", doc.Title, doc.Body, "en", doc.Subtitle, doc.Outlet,
                doc.Authors, doc.Url, doc.Published.ToString(), $"{doc.RetrievedOn:yyyy-MM-dd}"), Loader.Json));
            for (var k = 0; k < doc.Passages.Length; k++)
            {
                var a = doc.Passages[k].Anchor;
                output.WriteLine(JsonSerializer.Serialize(new ImportPassage("passage", $"p{s}_{k}", $"s{s}", null, a.Start, a.End,
                    r.Chance(0.2) ? a.Exact : null), Loader.Json));
            }
            for (var j = 0; j < doc.Claims.Length; j++)
            {
                var c = doc.Claims[j];
                var evidence = new List<ImportEvidence> { new(Passage: $"p{s}_{j}") };
                if (c.ForeignEvidence >= 0 && s > from) evidence.Add(new ImportEvidence(Passage: $"p{from + r.Next(s - from)}_{10 + r.Next(10)}"));
                output.WriteLine(JsonSerializer.Serialize(new ImportClaim("claim", c.Property.Key, c.Value, [.. evidence], $"c{s}_{j}",
                    c.Subject.Name, null, c.Asserter?.Name, null, c.ValidAt, c.ValidFrom, c.ValidTo, c.StatedOn, c.Location, c.Note,
                    c.Status == ClaimStatus.Verified ? ClaimStatus.Verified : ClaimStatus.Draft), Loader.Json));
            }
            lines += 1 + doc.Passages.Length + doc.Claims.Length;
        }
        Console.WriteLine($"{lines} lines: {count} sources, {count * CorpusOptions.PassagesPerSource} passages, {count * CorpusOptions.ClaimsPerSource} claims");
        return 0;
    }
}
