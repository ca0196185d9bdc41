using System.Net;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Imports;

/// <summary>
/// Imports on a pool of one connection, so that each import reuses the connection that earlier imports, refused ones
/// included, have used.
/// </summary>
public sealed class ImportConnectionTests(ImportConnectionTests.OneConnection api) : IClassFixture<ImportConnectionTests.OneConnection>
{
    public sealed class OneConnection(PostgresServer server) : ApiFactory(server)
    {
        protected override IEnumerable<(string Key, string Value)> Settings =>
            [("ConnectionStrings:ClaimTracker", ConnectionString + ";Maximum Pool Size=1")];
    }

    [Fact]
    public async Task A_refused_import_with_a_NUL_in_a_name_leaves_the_connection_fit_for_the_next_import()
    {
        // A name is looked up in the database before its line is checked. A NUL in it, sent to PostgreSQL, failed the
        // look-up after Npgsql had half-prepared it, and the next import on that connection got a 500.
        var curator = await api.CuratorClientAsync();
        for (var round = 0; round < 4; round++)
        {
            var u = Samples.Unique();
            var valid = await curator.PostAsync("/import", Ndjson.Of(new { type = "subject", name = $"Named force {u}", kind = "military force" },
                new { type = "subject", name = $"Named unit {u}", kind = "military force", broader = $"Named force {u}" }));
            Assert.True((await valid.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("committed").GetBoolean());

            var nul = await curator.PostAsync("/import", Ndjson.Of(
                new { type = "subject", name = $"NUL \u0000 force {u}", kind = "military force" },
                new { type = "source", title = $"NUL {u}", body = $"Body {u}.", language = "en", url = $"https://nul.example/{u}\u0000" }));
            var problem = await nul.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
            var fields = problem.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("field").GetString()).ToList();
            Assert.Contains("name", fields);
            Assert.Contains("url", fields);

            // Names the database holds, so that the look-up returns rows.
            var after = await curator.PostAsync("/import", Ndjson.Of(new { type = "subject", name = $"Later force {u}", kind = "military force" },
                new { type = "subject", name = $"Later unit {u}", kind = "military force", broader = $"Named force {u}" }));
            Assert.True((await after.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("committed").GetBoolean());
        }
    }
}
