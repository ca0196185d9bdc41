using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Sources;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Timeline;
using ClaimTracker.Api.Vocabulary;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// The limits of query and path values, by parameter name (the API uses one name for one thing: "subject" is always a
/// subject's id, name or alias). The contract declares them (<see cref="OpenApi"/>) and the validation filter
/// enforces the lengths, list sizes and ranges before a handler runs (<see cref="Validation"/>); handlers check the
/// forms themselves (dates, enum words), with messages that say what they take.
/// </summary>
public static class ParameterRules
{
    public sealed record Rule(int? MaxLength = null, string? Pattern = null, long? Minimum = null, long? Maximum = null,
        string[]? Values = null, int? MaxItems = null)
    {
        /// <returns>Why <paramref name="value"/> breaks the rule, or null.</returns>
        public string? Check(object? value) => value switch
        {
            // A typed value (Param<T>) is judged on the text the client sent; whether it reads is the filter's first check.
            _ when value is not null && ParamChecks.IsParam(value.GetType()) => Check(value.ToString()),
            Array items when items.Length > 0 && ParamChecks.IsParam(items.GetType().GetElementType()!) =>
                Check(items.Cast<object>().Select(i => i.ToString()!).ToArray()),
            string text when MaxLength is { } max && text.Length > max => $"must be at most {max} characters.",
            string[] items when MaxItems is { } most && items.Length > most => $"must be given at most {most} times.",
            string[] items when MaxLength is { } max && items.Any(i => i.Length > max) => $"must be at most {max} characters each.",
            int or long when Convert.ToInt64(value, CultureInfo.InvariantCulture) is var n && (n < Minimum || n > Maximum) =>
                $"must be between {Minimum} and {Maximum}.",
            _ => null,
        };
    }

    private static readonly Rule Cursor = new(MaxLength: 4_096, Pattern: "^[A-Za-z0-9_-]+$");
    private static readonly Rule Date = new(MaxLength: 10, Pattern: "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$");
    private static readonly Rule Figure = new(MaxLength: 40);

    private static Rule Words<T>() where T : struct, Enum => Words([.. Enum.GetValues<T>().Select(v => v.Db())]);

    private static Rule Words(string[] words) => new(MaxLength: words.Max(w => w.Length), Values: words);

    private static readonly Lazy<Dictionary<string, Rule>> ByName = new(() =>
    {
        // A reference to a subject is at most as long as a subject's name or alias.
        var reference = new Rule(MaxLength: ContractLimits.MaxLength<CreateSubjectRequest>(nameof(CreateSubjectRequest.Name)));
        var property = new Rule(MaxLength: ContractLimits.MaxLength<CreatePropertyRequest>(nameof(CreatePropertyRequest.Key)));
        return new Dictionary<string, Rule>
        {
            ["limit"] = new(Minimum: 1, Maximum: PageSize.Max),
            ["cursor"] = Cursor,
            ["since"] = Cursor,
            ["subject"] = reference,
            ["asserted_by"] = reference,
            ["name"] = reference,
            ["alias"] = reference,
            ["suggestion"] = new(MaxLength: 40),
            ["job"] = new(MaxLength: 64, Pattern: "^[A-Za-z0-9_-]{8,64}$"),
            ["property"] = property,
            ["key"] = property,
            ["unit"] = new(MaxLength: ContractLimits.MaxLength<CreatePropertyRequest>(nameof(CreatePropertyRequest.Unit))),
            ["outlet"] = new(MaxLength: ContractLimits.MaxLength<CreateSourceRequest>(nameof(CreateSourceRequest.Outlet))),
            ["q"] = new(MaxLength: ClaimFilter.MaxSearchLength),
            ["value"] = Figure,
            ["value_min"] = Figure,
            ["value_max"] = Figure,
            ["from"] = Date,
            ["to"] = Date,
            ["published_from"] = Date,
            ["published_to"] = Date,
            ["as_of"] = new(MaxLength: 10),
            ["reason"] = new(MaxLength: ContractLimits.MaxLength<RetractQuery>(nameof(RetractQuery.Reason))),
            ["status"] = Words<ClaimStatus>(),
            ["rank"] = Words<ClaimRank>(),
            ["format"] = Words<ExportFormat>(),
            ["scope"] = Words<ConflictScope>(),
            ["certainty"] = Words<ConflictCertainty>(),
            ["sort"] = Words<ClaimSort>(),
            ["facet"] = Words<ClaimFacet>() with { MaxItems = Enum.GetValues<ClaimFacet>().Length },
        };
    });

    /// <summary>Where one name means another thing in one operation.</summary>
    private static readonly Lazy<Dictionary<(string Operation, string Name), Rule>> ByOperation = new(() => new()
    {
        [("ListSubjects", "q")] = ByName.Value["name"],
        [("ListConflicts", "status")] = Words<ConflictStatus>(),
        [("ListDeadlines", "status")] = Words<DeadlineStatus>(),
    });

    public static Rule? For(string? operation, string name) =>
        operation is not null && ByOperation.Value.TryGetValue((operation, name), out var special) ? special
        : ByName.Value.GetValueOrDefault(name);

    /// <summary>Declares a parameter's rule in its schema; integers without one get their type's range.</summary>
    public static void Declare(string? operation, OpenApiParameter parameter)
    {
        if (parameter.Schema is not OpenApiSchema schema) return;
        var rule = For(operation, parameter.Name ?? "");
        var values = schema.Type is { } t && t.HasFlag(JsonSchemaType.Array) ? schema.Items as OpenApiSchema : schema;
        if (rule is not null && values is not null)
        {
            if (rule.Values is { } words) values.Enum = [.. words.Select(w => (JsonNode)JsonValue.Create(w))];
            else if (rule.MaxLength is { } max) values.MaxLength = max;
            if (rule.Pattern is { } pattern) values.Pattern = pattern;
            if (rule.Minimum is { } min) values.Minimum = min.ToString(CultureInfo.InvariantCulture);
            if (rule.Maximum is { } most) values.Maximum = most.ToString(CultureInfo.InvariantCulture);
            if (rule.MaxItems is { } items) schema.MaxItems = items;
        }
        if (values is not null) ContractLimits.TypeRange(values);
    }

    /// <summary>The query and path values a handler's parameter carries, by the names clients send them under.</summary>
    public static IEnumerable<(string Name, Func<object?, object?> Value)> Bindings(ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
        {
            // An [AsParameters] record: each property is a parameter named by its [FromQuery].
            foreach (var property in parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<FromQueryAttribute>() is { Name: { } query }) yield return (query, a => a is null ? null : property.GetValue(a));
            }
            yield break;
        }
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(string) || type == typeof(string[]) || type == typeof(int) || type == typeof(long) || ParamChecks.Inspects(type))
        {
            yield return (parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.GetCustomAttribute<FromRouteAttribute>()?.Name
                          ?? parameter.Name ?? "", a => a);
        }
    }
}
