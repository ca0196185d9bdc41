using System.Diagnostics;
using System.Globalization;
using ClaimTracker.Tests.Infrastructure;
using ClaimTracker.Tests.Platform;

// Not ClaimTracker.Tests.Contract, as the folder would say: that namespace would hide the Infrastructure class Contract
// from every other test namespace under ClaimTracker.Tests.
namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// A property-based fuzzer driven by the served OpenAPI document: thousands of requests, valid and hostile, for every
/// operation the document declares, each judged by the contract and by the database. Deterministic for a seed.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ContractFuzzTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    public const string SeedVariable = "CLAIMTRACKER_FUZZ_SEED";
    public const string RequestsVariable = "CLAIMTRACKER_FUZZ_REQUESTS";
    public const int DefaultSeed = 20_240_918;
    public const int DefaultRequests = 5_000;

    [Fact]
    public async Task Generated_requests_for_every_operation_keep_the_contract_and_the_data_intact()
    {
        var seed = Setting(SeedVariable, DefaultSeed);
        var requests = Setting(RequestsVariable, DefaultRequests);
        Say($"Contract fuzz: seed {seed}, {requests} requests (set {SeedVariable} and {RequestsVariable} to change them).");

        var anonymous = api.CreateClient();
        var curator = await api.CuratorClientAsync("contract-fuzzer");
        var model = new OpenApiModel(await anonymous.GetStringAsync("/openapi/v1.json"));
        var world = await FuzzWorld.GatherAsync(anonymous, api.Db);
        var report = new FuzzReport(seed, anonymous.BaseAddress!.ToString());
        var fingerprint = new DatabaseFingerprint(api.Db);
        await FingerprintSeesWritesAsync(fingerprint);
        var (prism, whyNoPrism) = await PrismProxy.StartAsync(anonymous.BaseAddress!, Repository.Root);
        await using var _ = prism;
        var contract = new Contract(await anonymous.GetStringAsync("/openapi/v1.json"));
        var route = prism is null ? null : new PrismRoute(prism, prism.Client(contract, curator), prism.Client(contract, anonymous));
        Say(prism is null
            ? $"Prism pass not run: {whyNoPrism}. Every request goes to the app directly (set {PrismProxy.Variable}=require to make this an error)."
            : $"Prism proxy on {prism.Address} in front of the app on {anonymous.BaseAddress}: requests it relays unchanged go through it.");
        var runner = new FuzzRunner(curator, anonymous, fingerprint, world, report, route);
        var gen = new Gen(seed);
        var index = 0;
        var valid = new ValidRequests(model, gen, world, (operationId, path) => runner.ReadAsync(index, operationId, path));
        var generator = new RequestGenerator(model, gen, world, valid);

        var unknown = model.Operations.Where(o => !valid.Knows(o.Id)).Select(o => o.Id).ToList();
        if (unknown.Count > 0) Say($"Operations without domain knowledge (schema-generated requests only): {string.Join(", ", unknown)}");

        var clock = Stopwatch.StartNew();
        for (index = 0; index < requests; index++)
        {
            await runner.RunAsync(await generator.NextAsync(index));
        }
        clock.Stop();

        Say(report.Summary(clock.Elapsed) + $"(of which {runner.FingerprintTime.TotalSeconds:F1} s comparing the database before and after writes)");
        var prismSummary = "";
        if (prism is not null)
        {
            await prism.SettleAsync();
            prismSummary = prism.Summary();
            Say(prismSummary);
        }
        else
        {
            TestContext.Current.AddWarning($"Prism pass not run: {whyNoPrism}.");
        }
        var untouched = report.OperationsWithout(model.Operations.Select(o => o.Id)).ToList();
        Assert.True(untouched.Count == 0, $"Operations never exercised: {string.Join(", ", untouched)}");
        Assert.True(report.Failures == 0, report.Summary(clock.Elapsed) + prismSummary + report.Details());
        if (prism is not null) Assert.True(prism.Checked > requests / 2, $"Prism checked only {prism.Checked} of {report.Requests} requests.\n{prismSummary}");
    }

    /// <summary>The judge of partial writes is checked first: a row written and removed behind the API's back shows, then vanishes.</summary>
    private async Task FingerprintSeesWritesAsync(DatabaseFingerprint fingerprint)
    {
        var before = await fingerprint.TakeAsync();
        await using var connection = await api.Db.OpenConnectionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand("insert into curators (name) values ('fingerprint-check')", connection)) await insert.ExecuteNonQueryAsync();
        Assert.NotEmpty(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()));
        await using (var delete = new Npgsql.NpgsqlCommand("delete from curators where name = 'fingerprint-check'", connection)) await delete.ExecuteNonQueryAsync();
        Assert.Empty(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()));
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static void Say(string message)
    {
        TestContext.Current.SendDiagnosticMessage(message);
        // The test's output: shown by 'dotnet test --output Detailed', kept in the test reports (.ci/run prints it).
        TestContext.Current.TestOutputHelper?.WriteLine(message);
    }
}
