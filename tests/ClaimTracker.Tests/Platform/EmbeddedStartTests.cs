using System.Net;
using System.Net.Http.Headers;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClaimTracker.Tests.Platform;

/// <summary>The README's run command path: no connection string, so the app runs its own PostgreSQL.</summary>
[Trait("Category", "EndToEnd")]
public sealed class EmbeddedStartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"claimtracker-embedded-{Guid.NewGuid():N}");

    private sealed class NoConnectionString(string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:ClaimTracker", "");
            builder.UseSetting("ClaimTracker:DataDirectory", folder);
        }
    }

    [Fact]
    public async Task With_no_connection_string_the_app_runs_its_own_PostgreSQL_loads_the_seeds_and_keeps_data_across_restarts()
    {
        Assert.True(EmbeddedPostgres.FindServerBinaries() is not null,
            "This test needs PostgreSQL's server binaries (initdb, pg_ctl): apt-get install postgresql.");
        Directory.CreateDirectory(_folder);
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_101_101);
        long created;

        await using (var first = new NoConnectionString(_folder))
        {
            first.UseKestrel(0);
            var page = await (await first.CreateClient().GetAsync("/sources")).ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, page.GetProperty("items").GetArrayLength());

            var keyFile = Path.Combine(_folder, "dev-api-key");
            Assert.True(File.Exists(keyFile), "The first start creates a development key file.");
            var curator = first.CreateClient();
            curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(keyFile).Trim());
            created = (await curator.CreateSourceAsync()).GetProperty("id").GetInt64();
        }

        await using (var second = new NoConnectionString(_folder))
        {
            second.UseKestrel(0);
            var page = await (await second.CreateClient().GetAsync("/sources")).ReadJsonAsync(HttpStatusCode.OK);
            var ids = page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToList();
            Assert.Equal(3, ids.Count);
            Assert.Contains(created, ids);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
