using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimTracker.Tests.Infrastructure;
using ClaimTracker.Tests.Platform;

namespace ClaimTracker.Tests.Claims;

/// <summary>
/// The exports as other programs read them: ClaimReview judged by schema.org's own definitions (a subset of its
/// vocabulary, schemaorg-subset.jsonld), and CSV as a spreadsheet would open it.
/// </summary>
public sealed partial class ExportFormatTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task ClaimReview_rates_each_claim_by_status_rank_and_conflicts_on_a_stated_scale()
    {
        var disputed = await World.CreateAsync(api);
        var a = await disputed.CreateClaimAsync(("status", "verified"));
        var b = await disputed.CreateClaimAsync(("status", "verified"), ("assertedBy", disputed.Asserter),
            ("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }), ("evidence", disputed.Evidence("3,000 US troops remained")));
        Assert.NotEmpty(b.GetProperty("conflicts").EnumerateArray());

        var calm = await World.CreateAsync(api);
        var verified = await calm.CreateClaimAsync(("status", "verified"));
        var preferred = await calm.CreateClaimAsync(("status", "verified"), ("rank", "preferred"), ("evidence", calm.Evidence("2,500 exactly")),
            ("value", new { kind = "quantity", amount = 2500 }));
        var draft = await calm.CreateClaimAsync(("evidence", calm.Evidence("2,500 exactly")), ("value", new { kind = "quantity", amount = 2500 }));
        var deprecated = await calm.CreateClaimAsync(("status", "verified"), ("rank", "deprecated"));
        var retracted = await calm.CreateClaimAsync(("status", "verified"));
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/claims/{Id(retracted)}?reason=misread%20the%20figure");
        delete.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await (await calm.Curator.SendAsync(delete)).ReadJsonAsync(HttpStatusCode.OK);

        var ratings = new Dictionary<long, (int Value, string Name)>();
        foreach (var url in new[] { $"subject={disputed.SubjectId}", $"subject={calm.SubjectId}", $"subject={calm.SubjectId}&status=retracted" })
        {
            foreach (var review in (await ReviewsAsync(url)).EnumerateArray())
            {
                var rating = review.GetProperty("reviewRating");
                Assert.Equal(5, rating.GetProperty("bestRating").GetInt32());
                Assert.Equal(1, rating.GetProperty("worstRating").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(rating.GetProperty("ratingExplanation").GetString()));
                var claimId = long.Parse(review.GetProperty("itemReviewed").GetProperty("@id").GetString()!.Split('/')[^1]);
                ratings[claimId] = (rating.GetProperty("ratingValue").GetInt32(), rating.GetProperty("alternateName").GetString()!);
            }
        }

        Assert.Equal((4, "Verified, disputed"), ratings[Id(a)]);
        Assert.Equal((4, "Verified, disputed"), ratings[Id(b)]);
        Assert.Equal((5, "Verified"), ratings[Id(verified)]);
        Assert.Equal((5, "Verified, best supported"), ratings[Id(preferred)]);
        Assert.Equal((3, "Unverified"), ratings[Id(draft)]);
        Assert.Equal((2, "Deprecated"), ratings[Id(deprecated)]);
        Assert.Equal((1, "Retracted"), ratings[Id(retracted)]);
    }

    [Fact]
    public async Task ClaimReview_names_the_reviewer_the_asserter_and_every_appearance()
    {
        var world = await World.CreateAsync(api, published: "2024-09-18");
        var claim = await world.CreateClaimAsync(("assertedBy", world.Asserter), ("statedOn", "2024-09-17"));
        var reviews = await ReviewsAsync($"subject={world.SubjectId}");
        var review = Assert.Single(reviews.EnumerateArray());

        Assert.Equal(claim.GetProperty("text").GetString(), review.GetProperty("claimReviewed").GetString());
        Assert.Equal("Person", review.GetProperty("author").GetProperty("@type").GetString());
        Assert.Equal(claim.GetProperty("updatedBy").GetString(), review.GetProperty("author").GetProperty("name").GetString());
        var item = review.GetProperty("itemReviewed");
        Assert.Equal("Claim", item.GetProperty("@type").GetString());
        Assert.Equal(world.Asserter, item.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal("2024-09-17", item.GetProperty("datePublished").GetString());
        var appearance = Assert.Single(item.GetProperty("appearance").EnumerateArray());
        Assert.Equal("NewsArticle", appearance.GetProperty("@type").GetString());
        Assert.EndsWith($"/sources/{world.SourceId}", appearance.GetProperty("@id").GetString());
        Assert.Equal("2024-09-18", appearance.GetProperty("datePublished").GetString());
        Assert.Equal("Test Wire", appearance.GetProperty("publisher").GetProperty("name").GetString());
        Assert.Equal(appearance.GetProperty("@id").GetString(), item.GetProperty("firstAppearance").GetProperty("@id").GetString());
    }

    [Fact]
    public async Task Every_type_and_property_of_the_ClaimReview_export_is_schema_org_used_within_its_domain_and_range()
    {
        // The seed corpus (a conflict, several asserters and outlets) and a claim in the source's own voice.
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync(("status", "verified"));
        var response = await api.CreateClient().GetAsync("/exports/claims?format=claimreview");
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://schema.org", export.GetProperty("@context").GetString());
        Assert.True(export.GetProperty("@graph").GetArrayLength() > 10);

        var vocabulary = Vocabulary.Load();
        var ids = new Dictionary<string, string>();
        Collect(export, ids);
        var problems = new List<string>();
        var used = new HashSet<string>();
        foreach (var node in export.GetProperty("@graph").EnumerateArray()) vocabulary.Check(node, "$", ids, problems, used);

        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct().Take(30)));
        // The check saw every term the export is made of.
        Assert.Superset(new HashSet<string> { "ClaimReview", "Claim", "Rating", "NewsArticle", "Organization", "Person", "Thing", "claimReviewed",
            "reviewRating", "itemReviewed", "appearance", "firstAppearance", "ratingValue", "bestRating", "worstRating", "alternateName",
            "ratingExplanation", "author", "publisher", "datePublished", "dateModified", "headline", "url", "about", "name", "text" }, used);
    }

    [Fact]
    public void The_vocabulary_check_refuses_a_property_outside_its_domain_and_an_unknown_term()
    {
        var vocabulary = Vocabulary.Load();
        var problems = new List<string>();
        var wrong = JsonDocument.Parse("""
            {"@type": "Rating", "claimReviewed": "not a property of ratings", "ratingValue": 3,
             "author": {"@type": "NewsArticle", "headline": "an article is no author"}, "stars": 4, "itemReviewed": {"@type": "Gadget"}}
            """).RootElement;
        vocabulary.Check(wrong, "$", [], problems, []);

        Assert.Contains(problems, p => p.Contains("claimReviewed") && p.Contains("domain"));
        Assert.Contains(problems, p => p.Contains("$.author") && p.Contains("range"));
        Assert.Contains(problems, p => p.Contains("stars") && p.Contains("not a schema.org property"));
        Assert.Contains(problems, p => p.Contains("Gadget") && p.Contains("not a schema.org type"));
        Assert.Contains(problems, p => p.Contains("itemReviewed") && p.Contains("domain"));
        Assert.DoesNotContain(problems, p => p.Contains("ratingValue"));
    }

    [Fact]
    public async Task A_spreadsheet_opening_the_CSV_sees_formulas_as_text_and_negative_figures_as_numbers()
    {
        var world = await World.CreateAsync(api);
        var key = $"balance_{Samples.Unique()}";
        await (await world.Curator.PostJsonAsync("/properties", new { key, label = "balance", valueType = "quantity", unit = "troops", nonNegative = false }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var claim = await world.CreateClaimAsync(("property", key), ("value", new { kind = "quantity", amount = -3, statedAs = "-3+cmd|' /C calc'!A0" }),
            ("note", "=HYPERLINK(\"http://example.invalid\",\"click\")"), ("location", "@SUM(A1:A9)"));
        var withTab = await world.CreateClaimAsync(("property", key), ("value", new { kind = "quantity", amount = 2.5m, statedAs = "\tabout 2.5" }),
            ("note", "+2.5"), ("location", "-west, near the border"));

        var csv = await api.CreateClient().GetStringAsync($"/exports/claims?format=csv&subject={world.SubjectId}&property={key}");
        var rows = ParseCsv(csv);
        var header = rows[0];
        var first = Row(rows, header, Id(claim));
        var second = Row(rows, header, Id(withTab));

        Assert.Equal("-3", first["amount"]);
        Assert.Equal("'-3+cmd|' /C calc'!A0", first["stated_as"]);
        Assert.Equal("'=HYPERLINK(\"http://example.invalid\",\"click\")", first["note"]);
        Assert.Equal("'@SUM(A1:A9)", first["location"]);
        Assert.Equal("2.5", second["amount"]);
        Assert.Equal("+2.5", second["note"]);
        Assert.Equal("'\tabout 2.5", second["stated_as"]);
        Assert.Equal("'-west, near the border", second["location"]);
        // No cell a spreadsheet would evaluate: each starts with a harmless character or is a plain number.
        foreach (var cell in rows.Skip(1).SelectMany(r => r))
        {
            Assert.True(cell.Length == 0 || !"=+-@\t\r".Contains(cell[0]) || PlainNumber().IsMatch(cell), $"the cell \"{cell}\" would run as a formula");
        }
    }

    private static long Id(JsonElement claim) => claim.GetProperty("id").GetInt64();

    private async Task<JsonElement> ReviewsAsync(string query)
    {
        var text = await api.CreateClient().GetStringAsync($"/exports/claims?format=claimreview&{query}");
        return JsonDocument.Parse(text).RootElement.GetProperty("@graph").Clone();
    }

    private static Dictionary<string, string> Row(List<string[]> rows, string[] header, long id)
    {
        var row = rows.Single(r => r[0] == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return header.Select((name, i) => (name, row[i])).ToDictionary(x => x.name, x => x.Item2);
    }

    [GeneratedRegex(@"^[+-]?[0-9]+(\.[0-9]+)?$")]
    private static partial Regex PlainNumber();

    /// <summary>RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }

    private static void Collect(JsonElement element, Dictionary<string, string> ids)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("@id", out var id) && element.TryGetProperty("@type", out var type)) ids[id.GetString()!] = type.GetString()!;
                foreach (var p in element.EnumerateObject()) Collect(p.Value, ids);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Collect(item, ids);
                break;
        }
    }

    /// <summary>schema.org's definitions of the terms the export uses, as released (schemaorg-subset.jsonld).</summary>
    private sealed class Vocabulary
    {
        private readonly Dictionary<string, string[]> _superclasses = [];
        private readonly Dictionary<string, (string[] Domain, string[] Range)> _properties = [];

        public static Vocabulary Load()
        {
            var path = Path.Combine(Repository.Root, "tests", "ClaimTracker.Tests", "Claims", "schemaorg-subset.jsonld");
            var vocabulary = new Vocabulary();
            static string[] Ids(JsonElement node, string name) => node.TryGetProperty(name, out var list)
                ? [.. list.EnumerateArray().Select(x => x.GetProperty("@id").GetString()!.Replace("schema:", ""))]
                : [];
            foreach (var node in JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("@graph").EnumerateArray())
            {
                var name = node.GetProperty("@id").GetString()!.Replace("schema:", "");
                var kind = node.GetProperty("@type");
                var types = kind.ValueKind == JsonValueKind.Array ? kind.EnumerateArray().Select(t => t.GetString()).ToArray() : [kind.GetString()];
                if (types.Contains("rdf:Property")) vocabulary._properties[name] = (Ids(node, "schema:domainIncludes"), Ids(node, "schema:rangeIncludes"));
                else vocabulary._superclasses[name] = Ids(node, "rdfs:subClassOf");
            }
            return vocabulary;
        }

        /// <summary>The type and every type above it.</summary>
        private IEnumerable<string> Lineage(string type)
        {
            yield return type;
            foreach (var parent in _superclasses.GetValueOrDefault(type) ?? [])
            {
                foreach (var above in Lineage(parent)) yield return above;
            }
        }

        private bool IsA(string type, string[] wanted) => Lineage(type).Any(wanted.Contains);

        public void Check(JsonElement node, string path, Dictionary<string, string> ids, List<string> problems, HashSet<string> used)
        {
            var type = node.GetProperty("@type").GetString()!;
            used.Add(type);
            if (!_superclasses.ContainsKey(type)) problems.Add($"{path}: \"{type}\" is not a schema.org type.");
            foreach (var member in node.EnumerateObject().Where(m => !m.Name.StartsWith('@')))
            {
                var at = $"{path}.{member.Name}";
                used.Add(member.Name);
                if (!_properties.TryGetValue(member.Name, out var definition))
                {
                    problems.Add($"{at}: \"{member.Name}\" is not a schema.org property.");
                    continue;
                }
                if (!IsA(type, definition.Domain)) problems.Add($"{at}: {type} is not in the domain of {member.Name} ({string.Join(", ", definition.Domain)}).");
                var values = member.Value.ValueKind == JsonValueKind.Array ? member.Value.EnumerateArray().ToList() : [member.Value];
                for (var i = 0; i < values.Count; i++) CheckValue(values[i], definition.Range, values.Count > 1 ? $"{at}[{i}]" : at, ids, problems, used);
            }
        }

        private void CheckValue(JsonElement value, string[] range, string at, Dictionary<string, string> ids, List<string> problems, HashSet<string> used)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty("@type", out var t):
                    if (!IsA(t.GetString()!, range)) problems.Add($"{at}: a {t.GetString()} is not in the range of the property ({string.Join(", ", range)}).");
                    Check(value, at, ids, problems, used);
                    break;
                case JsonValueKind.Object when value.TryGetProperty("@id", out var reference):
                    if (!ids.TryGetValue(reference.GetString()!, out var target)) problems.Add($"{at}: refers to {reference.GetString()}, which the export does not describe.");
                    else if (!IsA(target, range)) problems.Add($"{at}: refers to a {target}, not in the range ({string.Join(", ", range)}).");
                    break;
                case JsonValueKind.Number:
                    if (!range.Contains("Number") && !range.Contains("Text")) problems.Add($"{at}: a number, but the range is {string.Join(", ", range)}.");
                    break;
                case JsonValueKind.String:
                    var text = value.GetString()!;
                    var fits = range.Contains("Text")
                               || range.Contains("URL") && Uri.IsWellFormedUriString(text, UriKind.Absolute)
                               || range.Contains("Date") && IsoDate().IsMatch(text)
                               || range.Contains("DateTime") && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);
                    if (!fits) problems.Add($"{at}: \"{text}\" is not a value of {string.Join(", ", range)}.");
                    break;
                default:
                    problems.Add($"{at}: a {value.ValueKind} is no value of {string.Join(", ", range)}.");
                    break;
            }
        }
    }

    /// <summary>ISO 8601 dates at the precision known: 2024, 2024-09, 2024-09-18.</summary>
    [GeneratedRegex(@"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    private static partial Regex IsoDate();
}
