using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;
using Npgsql;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// The app over real HTTP against a primary and its streaming standbys (one connection string naming every host),
/// with a curator of its own and a source and subject to make claims about. Every answer is checked against the
/// contract. Disposing stops the app, then the cluster.
/// </summary>
public sealed class ReplicatedApp : IAsyncLifetime
{
    private readonly int _standbys;
    private InProcessApp? _app;
    private Contract? _contract;

    public ReplicatedApp() : this(2) { }

    private ReplicatedApp(int standbys) => _standbys = standbys;

    /// <summary>An app and cluster of one test's own (for the tests that kill servers).</summary>
    public static async Task<ReplicatedApp> StartAsync(int standbys)
    {
        var app = new ReplicatedApp(standbys);
        await app.InitializeAsync();
        return app;
    }

    public StreamingCluster Cluster { get; private set; } = null!;
    public HttpClient Reader { get; private set; } = null!;
    public HttpClient Curator { get; private set; } = null!;
    public long SourceId { get; private set; }
    public string Subject { get; private set; } = "";
    public long SubjectId { get; private set; }
    public CapturedErrors Errors => _app!.Errors;

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartServersAsync();
        }
        catch
        {
            // Nothing may outlive a failed start: the servers are processes of their own.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartServersAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Cluster = await StreamingCluster.StartAsync(_standbys);
        var clusterUp = clock.Elapsed.TotalSeconds;
        _app = new InProcessApp(Cluster.ConnectionString);
        var plain = _app.Start();
        _contract = new Contract(await plain.GetStringAsync("/openapi/v1.json"));
        Reader = Client();
        await using (var primary = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Cluster.ConnectionString) { Host = "127.0.0.1", Port = Cluster.Primary.Port }.ConnectionString))
        {
            var key = await ApiKeys.CreateAsync(primary, $"replica-curator-{Samples.Unique()}");
            Curator = Client();
            Curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        }
        var source = await Curator.CreateSourceAsync(Samples.Source(body: World.Body + $" [{Samples.Unique()}]", published: "2024-09"));
        SourceId = source.GetProperty("id").GetInt64();
        Subject = $"Replicated force {Samples.Unique()}";
        SubjectId = await Curator.CreateSubjectAsync(Subject);
        await Cluster.CaughtUpAsync();
        Figures.Say($"replicated app: a primary and {_standbys} standbys up in {clusterUp:F1} s, the app serving and the standbys caught up {clock.Elapsed.TotalSeconds - clusterUp:F1} s later");
    }

    /// <summary>A client whose every answer is checked against the contract.</summary>
    public HttpClient Client() => _app!.CreateDefaultClient(new ContractCheckingHandler(_contract!));

    public string ClaimBody(string note, int amount = 2500) => JsonSerializer.Serialize(new
    {
        subject = Subject, property = "troop_count", validAt = "2024-09", note,
        value = new { kind = "quantity", amount },
        evidence = new[] { new { sourceId = SourceId, exact = amount == 3000 ? "3,000 US troops remained" : "put the number at 2,500 exactly" } },
    });

    public static HttpRequestMessage Post(string path, string body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add(IdempotencyMiddleware.Header, idempotencyKey);
        return request;
    }

    public static HttpRequestMessage Get(string path, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.TryAddWithoutValidation(ConsistencyToken.Header, token);
        return request;
    }

    /// <summary>Creates a claim; its id and the token of the answer.</summary>
    public async Task<(long Id, string Token)> CreateClaimAsync(string note)
    {
        var response = await Curator.SendAsync(Post("/claims", ClaimBody(note)));
        var id = (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        return (id, TokenOf(response));
    }

    public static string TokenOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(ConsistencyToken.Header, out var values),
            $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} without {ConsistencyToken.Header}");
        return values.Single();
    }

    public async ValueTask DisposeAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
        var appStopped = clock.Elapsed.TotalSeconds;
        if (Cluster is { } cluster)
        {
            Cluster = null!;
            await cluster.DisposeAsync();
        }
        Figures.Say($"replicated app: stopped in {appStopped:F1} s, the cluster {clock.Elapsed.TotalSeconds - appStopped:F1} s later");
    }
}
