using ClaimTracker.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClaimTracker.Tests.Platform;

/// <summary>
/// The committed openapi.yaml is exactly what the app serves. Set CLAIMTRACKER_WRITE_OPENAPI=1 to rewrite the file
/// on purpose after changing an endpoint; review the diff like code.
/// </summary>
public sealed class OpenApiContractTests
{
    private sealed class DocumentOnly : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // No database: the contract must be checkable anywhere.
            builder.UseSetting("ClaimTracker:SkipDatabase", "true");
        }
    }

    [Fact]
    public async Task The_served_document_equals_the_committed_openapi_yaml()
    {
        await using var app = new DocumentOnly();
        var served = (await app.CreateClient().GetStringAsync("/openapi/v1.yaml")).ReplaceLineEndings("\n");
        var path = Path.Combine(Repository.Root, "openapi.yaml");

        if (Environment.GetEnvironmentVariable("CLAIMTRACKER_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }
        var committed = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";

        Assert.True(served == committed, "openapi.yaml differs from the served document " +
            "(run the tests with CLAIMTRACKER_WRITE_OPENAPI=1 to rewrite it, then review the diff):\n" + Difference(committed, served));
    }

    [Fact]
    public async Task The_served_json_and_yaml_documents_describe_the_same_operations()
    {
        await using var app = new DocumentOnly();
        var client = app.CreateClient();
        var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var yaml = await client.GetStringAsync("/openapi/v1.yaml");

        foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
        {
            Assert.Contains(path.Name, yaml);
        }
    }

    [Fact]
    public async Task Every_parameter_of_every_operation_has_a_description_and_an_example()
    {
        await using var app = new DocumentOnly();
        var document = System.Text.Json.JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var missing = new List<string>();
        var count = 0;

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (!operation.Value.TryGetProperty("parameters", out var parameters)) continue;
                foreach (var parameter in parameters.EnumerateArray())
                {
                    count++;
                    var name = $"{operation.Name.ToUpperInvariant()} {path.Name} {parameter.GetProperty("name").GetString()}";
                    if (!parameter.TryGetProperty("description", out var description) || description.GetString() is not { Length: > 10 }) missing.Add(name + ": no description");
                    if (!parameter.TryGetProperty("example", out _)) missing.Add(name + ": no example");
                }
            }
        }

        Assert.True(count > 100, $"only {count} parameters were found");
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    internal static string Difference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lines = new List<string>();
        for (var i = 0; i < Math.Max(a.Length, b.Length) && lines.Count < 40; i++)
        {
            var left = i < a.Length ? a[i] : "<end of file>";
            var right = i < b.Length ? b[i] : "<end of file>";
            if (left != right) lines.Add($"line {i + 1}:\n  - {left}\n  + {right}");
        }
        return string.Join("\n", lines);
    }
}
