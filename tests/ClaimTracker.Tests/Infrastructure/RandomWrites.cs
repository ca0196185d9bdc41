using System.Net.Http.Json;

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>
/// Random writes of every kind an answer may read (claims, revisions, retractions, evidence, aliases, source revisions,
/// renames, conflict decisions), for tests that compare kept answers with answers built from scratch after each one.
/// </summary>
public sealed class RandomWrites(ApiFactory api, World world, Random random)
{
    public static readonly string[] Sentences =
    [
        "the US has about 2,500 troops in Iraq", "Another official put the number at 2,500 exactly",
        "A third said 3,000 US troops remained", "Seven US troops were wounded in a raid on August 29",
    ];

    private static readonly object[] Values =
    [
        new { kind = "quantity", amount = 2500, approximation = "approximate" }, new { kind = "quantity", amount = 2500 },
        new { kind = "quantity", amount = 3000 }, new { kind = "quantity", lowerBound = 2000, upperBound = 3000 },
    ];

    private string _body = World.Body;
    private long? _asserterId;

    /// <summary>The claims created so far.</summary>
    public List<long> Claims { get; } = [];

    /// <summary>Subjects new claims are about, one drawn at random (the world's own by default).</summary>
    public string[] Subjects { get; init; } = [world.Subject];

    /// <summary>Subjects a rename may pick (none: no renames).</summary>
    public long[] Renamable { get; init; } = [];

    private long Any() => Claims[random.Next(Claims.Count)];

    private async Task<string> ETagAsync(long id) => (await api.CreateClient().GetAsync($"/claims/{id}")).Headers.ETag!.Tag;

    private static HttpRequestMessage WithMatch(HttpMethod method, string url, string etag, object? content = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (content is not null) request.Content = JsonContent.Create(content);
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    /// <summary>One random write (a new claim while there are fewer than four); says what it did and the answer's status.</summary>
    public async Task<string> StepAsync(int step)
    {
        var op = Claims.Count < 4 ? 0 : random.Next(Renamable.Length > 0 ? 9 : 8);
        switch (op)
        {
            case 0 or 1:
            {
                var claim = await world.CreateClaimAsync(("subject", Subjects[random.Next(Subjects.Length)]), ("value", Values[random.Next(Values.Length)]),
                    ("assertedBy", random.Next(2) == 0 ? world.Asserter : null), ("evidence", world.Evidence(Sentences[random.Next(3)])));
                Claims.Add(claim.GetProperty("id").GetInt64());
                return $"create {Claims[^1]}";
            }
            case 2:
            {
                var id = Any();
                var patch = random.Next(2) == 0 ? (object)new { note = $"revised {step}" } : new { value = Values[random.Next(Values.Length)] };
                var response = await world.Curator.SendAsync(WithMatch(HttpMethod.Patch, $"/claims/{id}", await ETagAsync(id), patch));
                return $"revise {id}: {(int)response.StatusCode}";
            }
            case 3:
            {
                var id = Any();
                var response = await world.Curator.SendAsync(WithMatch(HttpMethod.Delete, $"/claims/{id}?reason=misread", await ETagAsync(id)));
                return $"retract {id}: {(int)response.StatusCode}";
            }
            case 4:
            {
                var id = Any();
                var response = await world.Curator.PostJsonAsync($"/claims/{id}/evidence", new { sourceId = world.SourceId, exact = Sentences[random.Next(Sentences.Length)] });
                return $"evidence {id}: {(int)response.StatusCode}";
            }
            case 5:
            {
                // Looked up once: a rename may change the asserter's name.
                _asserterId ??= (await api.CreateClient().GetJsonAsync($"/subjects?name={Uri.EscapeDataString(world.Asserter)}"))
                    .GetProperty("items")[0].GetProperty("id").GetInt64();
                var response = await world.Curator.PostJsonAsync($"/subjects/{_asserterId}/aliases", new { alias = $"alias {Samples.Unique()}" });
                return $"alias: {(int)response.StatusCode}";
            }
            case 6:
            {
                // A corrected text: a passage moves, and one of them may no longer be found.
                _body = random.Next(2) == 0 ? "Correction: " + _body : _body.Replace("Seven US troops", "Eight US troops");
                var response = await world.Curator.PostJsonAsync($"/sources/{world.SourceId}/revisions", new { body = _body + $" [{Samples.Unique()}]", note = "correction" });
                return $"source revision: {(int)response.StatusCode}";
            }
            case 7:
            {
                var open = (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&status=open")).GetProperty("items");
                if (open.GetArrayLength() == 0) return "no open conflict";
                var conflict = open[0];
                var response = await world.Curator.SendAsync(WithMatch(HttpMethod.Patch, $"/conflicts/{conflict.GetProperty("id").GetInt64()}",
                    $"\"v{conflict.GetProperty("version").GetInt32()}\"", new { status = "acknowledged", note = "seen" }));
                return $"acknowledge conflict: {(int)response.StatusCode}";
            }
            default:
            {
                var id = Renamable[random.Next(Renamable.Length)];
                var response = await world.Curator.PatchAsJsonAsync($"/subjects/{id}", new { name = $"Renamed {Samples.Unique()}" });
                return $"rename {id}: {(int)response.StatusCode}";
            }
        }
    }
}
