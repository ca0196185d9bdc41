using System.Globalization;
using System.Net;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.ContractFuzzing;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClaimTracker.Tests.Platform;

/// <summary>The limits the contract declares are the validators' own, field by field (no database needed).</summary>
public sealed class ContractLimitsTests
{
    private sealed class DocumentOnly : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("ClaimTracker:SkipDatabase", "true");
    }

    [Fact]
    public async Task Every_limit_a_request_validator_enforces_is_declared_in_the_served_contract_with_the_same_value()
    {
        await using var app = new DocumentOnly();
        var schemas = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement
            .GetProperty("components").GetProperty("schemas");
        var requests = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Name == "Validator" && t.DeclaringType is not null && typeof(IValidator).IsAssignableFrom(t))
            // Query records ([AsParameters]) are parameters, not schemas: ParameterLimitsTests holds them to the contract.
            .Where(t => !t.DeclaringType!.GetProperties().Any(p => p.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.FromQueryAttribute), true).Length > 0))
            .Select(t => (Type: t.DeclaringType!, Validator: (IValidator)Activator.CreateInstance(t)!))
            .ToList();
        var checkedLimits = new List<string>();
        var wrong = new List<string>();

        foreach (var (type, validator) in requests)
        {
            Assert.True(schemas.TryGetProperty(type.Name, out var schema), $"{type.Name} has a validator but no schema in the contract.");
            var descriptor = validator.CreateDescriptor();
            foreach (var group in descriptor.GetMembersWithValidators())
            {
                if (!schema.GetProperty("properties").TryGetProperty(group.Key, out var property)) continue;
                foreach (var rule in descriptor.GetRulesForMember(group.Key))
                {
                    var forEach = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
                    var target = forEach ? property.GetProperty("items") : property;
                    foreach (var limit in rule.Components.Select(c => c.Validator))
                    {
                        var where = $"{type.Name}.{group.Key}";
                        void Expect(string keyword, string expected)
                        {
                            checkedLimits.Add($"{where} {keyword}");
                            var declared = target.TryGetProperty(keyword, out var value) ? value.GetRawText() : "(none)";
                            if (declared != expected) wrong.Add($"{where}: {keyword} is {declared}, the validator says {expected}");
                        }
                        switch (limit)
                        {
                            case ILengthValidator { Max: >= 0 } length: Expect("maxLength", length.Max.ToString(CultureInfo.InvariantCulture)); break;
                            case IBetweenValidator between when limit.Name == "InclusiveBetweenValidator":
                                Expect("minimum", Number(between.From));
                                Expect("maximum", Number(between.To));
                                break;
                            case { Name: "MaxItemsValidator" }:
                                var max = (int)limit.GetType().GetProperty("Max")!.GetValue(limit)!;
                                Expect(target.GetProperty("type").GetRawText().Contains("object") ? "maxProperties" : "maxItems", max.ToString(CultureInfo.InvariantCulture));
                                break;
                            case IRegularExpressionValidator regex: Expect("pattern", JsonSerializer.Serialize(regex.Expression)); break;
                        }
                    }
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"contract limits: {checkedLimits.Count} validator limits over {requests.Count} request types, {wrong.Count} different");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(checkedLimits.Count >= 40, $"Only {checkedLimits.Count} limits were compared.");
    }

    private static string Number(object value) => JsonSerializer.Serialize(decimal.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture));
}

/// <summary>The declared limits of query values are enforced: one past each is a 400 naming the parameter.</summary>
public sealed class ParameterLimitsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly Dictionary<string, string> Required = new() { ["format"] = "ndjson", ["value"] = "2500" };

    [Fact]
    public async Task A_query_value_one_past_its_declared_length_or_outside_its_words_is_a_400_naming_it()
    {
        var client = api.CreateClient();
        var model = new OpenApiModel(await client.GetStringAsync("/openapi/v1.json"));
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");
        var tried = new List<string>();

        foreach (var operation in model.Operations.Where(o => o.Method == "GET" && !o.Template.Contains('{')))
        {
            if (!document.GetProperty(operation.Template).GetProperty("get").TryGetProperty("parameters", out var declared)) continue;
            var parameters = declared.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").ToList();
            foreach (var parameter in parameters)
            {
                var name = parameter.GetProperty("name").GetString()!;
                var schema = parameter.GetProperty("schema");
                var values = schema.TryGetProperty("items", out var items) ? items : schema;
                string? bad = values.TryGetProperty("maxLength", out var max) ? new string('a', max.GetInt32() + 1)
                    : values.TryGetProperty("enum", out _) ? "no_such_word"
                    : values.TryGetProperty("maximum", out var most) && values.GetProperty("type").GetRawText().Contains("integer") && most.GetInt64() < int.MaxValue
                        ? (most.GetInt64() + 1).ToString(CultureInfo.InvariantCulture)
                    : null;
                if (bad is null) continue;
                var others = string.Concat(parameters.Select(p => p.GetProperty("name").GetString()!)
                    .Where(n => n != name && Required.ContainsKey(n) && parameters.Any(p => p.GetProperty("name").GetString() == n && p.TryGetProperty("required", out var r) && r.GetBoolean()))
                    .Select(n => $"&{n}={Required[n]}"));

                var response = await client.GetAsync($"{operation.Template}?{name}={bad}{others}");

                await response.ReadProblemAsync(HttpStatusCode.BadRequest, name);
                tried.Add($"{operation.Id} {name}");
            }
        }
        Figures.Say($"parameter limits: {tried.Count} query values one past their declared limit, all refused with a 400 naming them");
        Assert.True(tried.Count >= 40, $"Only {tried.Count} parameters were tried.");
    }

    [Fact]
    public async Task A_body_field_at_its_declared_length_is_taken_and_one_past_it_is_refused_naming_it()
    {
        var curator = await api.CuratorClientAsync();
        var unique = Samples.Unique();

        var at = await curator.PostJsonAsync("/subjects", new { name = unique + new string('n', 300 - unique.Length) });
        var past = await curator.PostJsonAsync("/subjects", new { name = unique + new string('n', 301 - unique.Length) });

        await at.ReadJsonAsync(HttpStatusCode.Created);
        await past.ReadProblemAsync(HttpStatusCode.BadRequest, "name");
    }
}
