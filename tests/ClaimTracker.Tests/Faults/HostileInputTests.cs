using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.ContractFuzzing;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// An injection, traversal and odd-text corpus sent in every path and query parameter of every read the served
/// document declares; every write route without a key, with a wrong or revoked one, and with a valid one; the limits
/// of reads and writes (page size, body size). No 500 anywhere, and nothing changes unless a valid key asked for it.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HostileInputTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>Each value as it goes on the wire: escaped text, or raw (percent sequences the server decodes itself).</summary>
    public static readonly (string Label, string Wire)[] Corpus =
    [
        .. ((string[])
        [
            "' OR 1=1 --", "\"; drop table claims; --", "'; drop table claims; --", "1; select pg_sleep(30)", "1 union select key_hash from api_keys",
            "../../etc/passwd", "..\\..\\..\\windows\\win.ini", "/etc/passwd", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
            "${jndi:ldap://127.0.0.1/x}", "{{7*7}}", "%s%s%s%n", "\r\nX-Injected: 1", "*", "%", "_", "\\",
            "\u202Eevil\u202C", "e\u0301\u0301\u0301\u0301", "Z\u0334\u0321\u032Aa\u0337l\u0338g\u0335o", "القوات الأمريكية", "👨‍👩‍👧‍👦",
            "\uFEFFbom", "zero\u200Bwidth", "Ａ全角．．／", "-1", "0", "9223372036854775808", "1e309", "NaN", " ", "",
            new string('A', 2_000), new string('é', 1_500), string.Concat(Enumerable.Repeat("../", 600)),
        ]).Select(v => (Label(v), Uri.EscapeDataString(v))),
        ("raw %00", "%00"), ("raw a%00b", "a%00b"), ("raw %2e%2e%2f", "%2e%2e%2f"), ("raw ..%2f..%2fetc%2fpasswd", "..%2f..%2fetc%2fpasswd"),
        ("raw %252e%252e%252f", "%252e%252e%252f"), ("raw %zz", "%zz"), ("raw %c0%ae%c0%ae%c0%af", "%c0%ae%c0%ae%c0%af"), ("raw %ff%fe", "%ff%fe"),
        ("raw %ed%a0%80 (a lone surrogate)", "%ed%a0%80"),
    ];

    private static string Label(string value) =>
        value.Length > 40 ? $"{value[..12].Replace("\r", "\\r").Replace("\n", "\\n")}… ({value.Length} characters)" : value.Replace("\r", "\\r").Replace("\n", "\\n");

    [Fact]
    public async Task Hostile_values_in_every_parameter_of_every_read_get_no_500_and_change_nothing()
    {
        var client = api.CreateDefaultClient();
        var json = await client.GetStringAsync("/openapi/v1.json");
        var contract = new Contract(json);
        var model = new OpenApiModel(json);
        var targets = await TargetsAsync();
        var fingerprint = new DatabaseFingerprint(api.Db);
        var before = await fingerprint.TakeAsync();
        var violations = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        int tried = 0, refusedByKestrel = 0, naming = 0, badRequests = 0;

        foreach (var operation in model.Operations.Where(o => o.Method == "GET"))
        {
            foreach (var parameter in operation.Parameters.Where(p => p.In is "path" or "query"))
            {
                foreach (var (label, wire) in Corpus)
                {
                    if (parameter.In == "path" && wire.Length == 0) continue; // an empty segment is another route
                    var path = Path(operation, targets, parameter.Name, wire);
                    var query = string.Join('&', operation.QueryParameters
                        .Where(q => q.Name == parameter.Name || (q.Required && Required.ContainsKey(q.Name)))
                        .Select(q => $"{q.Name}={(q.Name == parameter.Name ? wire : Required[q.Name])}"));
                    var target = query.Length == 0 ? path : $"{path}?{query}";
                    var uri = new Uri(client.BaseAddress + target.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

                    using var response = await client.GetAsync(uri);
                    var body = await response.Content.ReadAsStringAsync();
                    tried++;
                    var status = (int)response.StatusCode;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    var where = $"{operation.Id} {parameter.Name}={label}: {status}";
                    if (status >= 500) violations.Add($"{where} {Clip(body)}");
                    if (!response.Headers.Contains("X-Request-Id")) violations.Add($"{where} has no X-Request-Id");
                    if (contract.Check(HttpMethod.Get, uri.AbsolutePath, status, response.Content.Headers.ContentType, body) is { } breach)
                    {
                        violations.Add($"{where} breaks the contract: {breach}");
                    }
                    if (status >= 400 && ProblemShape(status, response, body) is { } wrong) violations.Add($"{where} {wrong}");
                    if (RefusedByServer(status, response, body))
                    {
                        // Kestrel refused the request line itself (a NUL in the path, a line too long): the app never saw
                        // it, so no parameter can be named, but the answer is a problem like the app's own.
                        refusedByKestrel++;
                        continue;
                    }
                    if (status == 400)
                    {
                        badRequests++;
                        // A 400 names the parameter as the client wrote it (an array's item as name[i]).
                        var named = JsonDocument.Parse(body).RootElement.TryGetProperty("errors", out var errors)
                            ? errors.EnumerateObject().Select(e => e.Name).ToList() : [];
                        if (named.Any(n => n == parameter.Name || n.StartsWith(parameter.Name + "["))) naming++;
                        else violations.Add($"{where} names {(named.Count == 0 ? "no parameter" : string.Join(", ", named))} instead of {parameter.Name}: {Clip(body)}");
                    }
                    if (body.Contains("root:x:0:0")) violations.Add($"{where} leaks a file: {Clip(body)}");
                    // Reflected markup is data inside JSON (and the web page builds text nodes only); anywhere else it would run.
                    if ((body.Contains("<script>") || body.Contains("<img ")) && response.Content.Headers.ContentType?.MediaType?.EndsWith("json") != true)
                    {
                        violations.Add($"{where} reflects markup as {response.Content.Headers.ContentType}: {Clip(body)}");
                    }
                }
            }
        }

        var changed = DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync());
        Figures.Say($"hostile input: {tried} reads tried ({Corpus.Length} values × every path and query parameter of " +
            $"{model.Operations.Count(o => o.Method == "GET")} GET operations); statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"{badRequests} × 400 of which {naming} name the parameter; {refusedByKestrel} refused by Kestrel before the app; " +
            $"{violations.Count} violations; tables changed: {changed.Count}");
        Assert.True(violations.Count == 0, string.Join('\n', violations.Take(25)));
        Assert.Empty(changed);
        // The claims table is still there and answers.
        await (await client.GetAsync($"/claims/{targets["claims"]}")).ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Traversal_paths_serve_no_file_outside_the_web_root()
    {
        var client = api.CreateDefaultClient();
        string[] paths =
        [
            "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/..%5c..%5cappsettings.json", "/appsettings.json", "/ClaimTracker.Api.dll", "/ClaimTracker.Api.deps.json",
            "/css/../../appsettings.json", "/css/..%2f..%2fappsettings.json", "/openapi/..%2f..%2fappsettings.json",
            "/docs/../../appsettings.json", "/sources/1/../../../etc/passwd", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
            "/....//....//etc/passwd", "/.env", "/.git/config", "/wwwroot/../appsettings.json",
        ];
        var answers = new List<string>();
        var violations = new List<string>();
        foreach (var path in paths)
        {
            var uri = new Uri(client.BaseAddress + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var response = await client.GetAsync(uri);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            answers.Add($"{path} → {status}{(RefusedByServer(status, response, body) ? " (Kestrel)" : "")}");

            if (status is not (404 or 400)) violations.Add($"{path} answered {status}: {Clip(body)}");
            if (body.Contains("root:x:0:0") || body.Contains("ConnectionStrings")) violations.Add($"{path} served a file: {Clip(body)}");
            if (!response.Headers.Contains("X-Request-Id")) violations.Add($"{path} {status} has no X-Request-Id");
            if (ProblemShape(status, response, body) is { } wrong) violations.Add($"{path} {status} {wrong}");
        }
        Figures.Say($"traversal: {paths.Length} paths tried, none served a file: {string.Join("; ", answers)}");
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task A_page_size_over_the_cap_is_a_400_naming_limit_on_every_list()
    {
        var client = api.CreateClient();
        var model = new OpenApiModel(await client.GetStringAsync("/openapi/v1.json"));
        var targets = await TargetsAsync();
        var lists = model.Operations.Where(o => o.Method == "GET" && o.QueryParameters.Any(p => p.Name == "limit")).ToList();

        foreach (var operation in lists)
        {
            var path = Path(operation, targets, "", "");
            var required = string.Concat(operation.QueryParameters.Where(q => q.Required).Select(q => $"&{q.Name}={Required[q.Name]}"));

            var over = await client.GetAsync($"{path}?limit={PageSize.Max + 1}{required}");
            var zero = await client.GetAsync($"{path}?limit=0{required}");
            var cap = await client.GetAsync($"{path}?limit={PageSize.Max}{required}");

            var problem = await over.ReadProblemAsync(HttpStatusCode.BadRequest, "limit");
            Assert.Contains(PageSize.Max.ToString(), problem.GetProperty("errors").GetProperty("limit")[0].GetString());
            await zero.ReadProblemAsync(HttpStatusCode.BadRequest, "limit");
            await cap.ReadJsonAsync(HttpStatusCode.OK);
        }
        Figures.Say($"page size: {lists.Count} lists ({string.Join(", ", lists.Select(l => l.Id))}) × limit {PageSize.Max + 1}, 0 and {PageSize.Max}: {lists.Count * 2} refused naming limit, {lists.Count} served");
        Assert.NotEmpty(lists);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413_problem_on_every_JSON_write_and_writes_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var model = new OpenApiModel(await curator.GetStringAsync("/openapi/v1.json"));
        var writes = model.Operations.Where(o => o.IsWrite && o.BodyMediaTypes.Contains("application/json")).ToList();
        // Over the default 4 MiB (ClaimTracker:MaxRequestBodyBytes), as one JSON document.
        var oversized = $"{{\"note\":\"{new string('x', 4 * 1024 * 1024 + 1024)}\"}}";
        var fingerprint = new DatabaseFingerprint(api.Db);
        var tried = 0;

        foreach (var operation in writes)
        {
            var write = await WriteRequests.BuildAsync(operation.Id, api);
            foreach (var withKey in (bool[])[false, true])
            {
                var request = write.Make();
                request.Content = new StringContent(oversized, Encoding.UTF8, "application/json");
                // As a careful client sends a large body: the server can refuse it before it is sent.
                request.Headers.ExpectContinue = true;
                if (!withKey) request.Headers.Remove(IdempotencyMiddleware.Header);
                var before = await fingerprint.TakeAsync();

                var response = await curator.SendAsync(request);
                tried++;

                await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
                Assert.True(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()) is [], $"{operation} wrote something from an oversized body.");
            }
        }
        Figures.Say($"oversized bodies: {tried} writes of {oversized.Length:N0} bytes to {writes.Count} JSON routes (with and without Idempotency-Key): all 413 problems, nothing written");
        Assert.True(writes.Count >= 10);
    }

    [Fact]
    public async Task Every_write_route_refuses_a_missing_wrong_or_revoked_key_with_401_and_writes_nothing_and_accepts_a_valid_key()
    {
        var anonymous = api.CreateClient();
        var model = new OpenApiModel(await anonymous.GetStringAsync("/openapi/v1.json"));
        var writes = model.Operations.Where(o => o.IsWrite).ToList();
        var revoked = await ApiKeys.CreateAsync(api.Db, $"revoked-{Samples.Unique()}");
        Assert.Equal(1, await ApiKeys.RevokeAsync(api.Db, revoked.Prefix));
        var valid = await ApiKeys.CreateAsync(api.Db, $"matrix-{Samples.Unique()}");
        (string Name, AuthenticationHeaderValue? Header)[] refused =
        [
            ("no key", null),
            ("a wrong key", new("Bearer", ApiKeys.NewKey())),
            ("a revoked key", new("Bearer", revoked.Key)),
            ("another scheme", new("Basic", Convert.ToBase64String("curator:secret"u8.ToArray()))),
            ("an empty bearer", new("Bearer", "")),
        ];
        var fingerprint = new DatabaseFingerprint(api.Db);
        var tried = 0;

        foreach (var operation in writes)
        {
            Assert.True(operation.Secured, $"{operation} is a write the document does not mark as needing a key.");
            var write = await WriteRequests.BuildAsync(operation.Id, api);
            foreach (var (name, header) in refused)
            {
                var before = await fingerprint.TakeAsync();
                var request = write.Make();
                request.Headers.Authorization = header;

                var response = await anonymous.SendAsync(request);
                tried++;

                var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
                Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
                Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
                Assert.True(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()) is [], $"{operation} with {name} wrote something.");
            }

            var accepted = write.Make();
            accepted.Headers.Authorization = new("Bearer", valid.Key);
            var beforeValid = await fingerprint.TakeAsync();
            var ok = await anonymous.SendAsync(accepted);
            tried++;
            await ok.ReadJsonAsync(write.Success);
            Assert.NotEmpty(DatabaseFingerprint.Compare(beforeValid, await fingerprint.TakeAsync()));
        }

        Figures.Say($"authorization matrix: {writes.Count} write routes × {refused.Length + 1} callers, {tried} requests tried: every refusal a 401 problem that wrote nothing, every valid key accepted");
        Assert.Equal(WriteRequests.Operations.Order(), writes.Select(o => o.Id).Order());
    }

    /// <summary>Values for required parameters other than the one under test.</summary>
    private static readonly Dictionary<string, string> Required = new() { ["format"] = "ndjson", ["value"] = "2%2C500", ["subject"] = "1", ["property"] = "troop_count" };

    /// <summary>An existing resource of each kind, for the path parameters not under test.</summary>
    private async Task<Dictionary<string, string>> TargetsAsync()
    {
        var world = await World.CreateAsync(api);
        var claim = await world.CreateClaimAsync();
        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 9000 }), ("evidence", world.Evidence("Hundreds of attacks targeted US bases")));
        var conflicts = await world.Curator.GetJsonAsync($"/conflicts?subject={world.SubjectId}");
        var passages = await world.Curator.GetJsonAsync($"/sources/{world.SourceId}/passages");
        var revised = await world.Curator.PostJsonAsync($"/sources/{world.SourceId}/revisions", new { body = World.Body + " A correction was appended." });
        await revised.ReadJsonAsync(HttpStatusCode.Created);
        var suggestions = await world.Curator.GetJsonAsync($"/sources/{world.SourceId}/suggestions");
        return new()
        {
            ["suggestions"] = suggestions.GetProperty("items")[0].GetProperty("id").GetString()!,
            ["sources"] = world.SourceId.ToString(),
            ["revisions"] = "1",
            ["diff"] = "2",
            ["subjects"] = world.SubjectId.ToString(),
            ["claims"] = claim.GetProperty("id").GetInt64().ToString(),
            ["conflicts"] = conflicts.Ids()[0].ToString(),
            ["passages"] = passages.Ids()[0].ToString(),
            ["properties"] = "troop_count",
        };
    }

    /// <summary>The operation's path with every parameter filled: the one named with the wire text, the others with a real target.</summary>
    private static string Path(Operation operation, Dictionary<string, string> targets, string parameter, string wire)
    {
        var segments = operation.Template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{')) continue;
            var name = segments[i].Trim('{', '}');
            segments[i] = name == parameter ? wire
                : targets.TryGetValue(segments[i - 1], out var target) ? target
                : throw new InvalidOperationException($"No target for {{{name}}} in {operation.Template}: add one to {nameof(TargetsAsync)}.");
        }
        return string.Join('/', segments);
    }

    /// <returns>What is wrong with an error answer, or null when it is a problem+json with its status.</returns>
    internal static string? ProblemShape(int status, HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"is {response.Content.Headers.ContentType}, not problem+json: {Clip(body)}";
        var problem = JsonDocument.Parse(body).RootElement;
        if (!problem.TryGetProperty("status", out var s) || s.GetInt32() != status) return $"problem with another status: {Clip(body)}";
        if (!problem.TryGetProperty("title", out var title) || string.IsNullOrWhiteSpace(title.GetString())) return $"problem without a title: {Clip(body)}";
        return null;
    }

    /// <summary>A problem Kestrel gave before routing (see ServerRejections): it closes the connection and names no field.</summary>
    private static bool RefusedByServer(int status, HttpResponseMessage response, string body) =>
        status is 400 or 414 or 431 && response.Headers.ConnectionClose == true
        && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
        && !JsonDocument.Parse(body).RootElement.TryGetProperty("errors", out _);

    internal static string Clip(string body) => body.Length <= 300 ? body : body[..300] + $"… ({body.Length} characters)";
}
