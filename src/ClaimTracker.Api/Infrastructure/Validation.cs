using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using ClaimTracker.Api.Text;
using FluentValidation;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// One validation mechanism for every endpoint: a filter that runs the FluentValidation validator of each
/// argument that has one, and refuses text holding U+0000 (which PostgreSQL text cannot store) in any argument.
/// It declares its 400 response, so the OpenAPI document shows it.
/// </summary>
public static class Validation
{
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
            if (method is null) return;
            var parameters = method.GetParameters();
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(
                StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
            endpoint.FilterFactories.Add((context, next) =>
            {
                var checks = parameters
                    .Select((p, i) => (Index: i, Name: NameOf(p), Type: p.ParameterType,
                        Validator: context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(p.ParameterType)) as IValidator))
                    .Where(p => p.Validator is not null || IsInspected(p.Type))
                    .ToList();
                // The limits of query and path values, as the contract declares them.
                var operation = endpoint.Metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                var limited = parameters
                    .SelectMany((p, i) => ParameterRules.Bindings(p)
                        .Select(b => (Index: i, b.Name, b.Value, Rule: ParameterRules.For(operation, b.Name))))
                    .Where(b => b.Rule is not null)
                    .ToList();
                if (checks.Count == 0 && limited.Count == 0) return next;
                return async invocation =>
                {
                    foreach (var (index, name, value, rule) in limited)
                    {
                        if (rule!.Check(value(invocation.Arguments[index])) is { } reason) return Problems.Invalid(name, reason);
                    }
                    foreach (var (index, name, _, validator) in checks)
                    {
                        if (invocation.Arguments[index] is not { } argument) continue;
                        // A query or route value that did not read (Param<T>): named as the client wrote it.
                        if (ParamChecks.FirstInvalid(argument, name) is { } unread) return Problems.Invalid(unread.Name, unread.Reason);
                        if (FindNul(argument, argument is string || ParamChecks.IsParam(argument.GetType()) ? name : null) is { } field)
                        {
                            return Problems.Invalid(field, "contains the NUL character (U+0000), which text cannot hold.");
                        }
                        if (validator is null) continue;
                        var result = await validator.ValidateAsync(new ValidationContext<object>(argument), invocation.HttpContext.RequestAborted);
                        if (!result.IsValid)
                        {
                            return Problems.Invalid(result.ToDictionary());
                        }
                    }
                    return await next(invocation);
                };
            });
            // After the checks above: a read's consistency token, and its one retry when a standby dies under it.
            endpoint.FilterFactories.Add(ReadDb.Filter);
        });
        return builder;
    }

    private static bool IsInspected(Type type) => type == typeof(string) || type.Assembly == typeof(Validation).Assembly || ParamChecks.Inspects(type);

    /// <summary>A parameter as the client names it: [FromRoute(Name = ...)] or [FromQuery(Name = ...)], else its own name.</summary>
    private static string NameOf(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromRouteAttribute>()?.Name
        ?? parameter.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name
        ?? parameter.Name ?? "";

    /// <returns>The JSON path of the first string holding U+0000, or null.</returns>
    internal static string? FindNul(object? value, string? path, int depth = 0)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s.Contains('\0') ? path ?? "body" : null;
            case var param when ParamChecks.IsParam(param.GetType()):
                return param.ToString()!.Contains('\0') ? path ?? "query" : null;
            case IDictionary dictionary when depth < 16:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = Join(path, entry.Key.ToString() ?? "");
                    if ((FindNul(entry.Key as string, key, depth + 1) ?? FindNul(entry.Value, key, depth + 1)) is { } hit) return hit;
                }
                return null;
            case IEnumerable items when depth < 16:
                var i = 0;
                foreach (var item in items)
                {
                    if (FindNul(item, $"{path}[{i++}]", depth + 1) is { } hit) return hit;
                }
                return null;
            default:
                var type = value.GetType();
                if (type.Assembly != typeof(Validation).Assembly || depth >= 16) return null;
                foreach (var (property, name) in NamedProperties.GetOrAdd(type, Named))
                {
                    if (FindNul(property.GetValue(value), Join(path, name), depth + 1) is { } hit) return hit;
                }
                return null;
        }
    }

    // Every write's request and every import line is walked: the reflection is done once per type (an import of
    // 62,000 lines spent 0.6 s of its 3.5 s of CPU reading the same attributes again).
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name)[]> NamedProperties = new();

    private static (PropertyInfo, string)[] Named(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            // Query parameters are named by [FromQuery(Name = ...)]; body fields by their camelCase JSON name.
            .Select(p => (p, p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name
                             ?? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name))),
    ];

    private static string Join(string? path, string name) => string.IsNullOrEmpty(path) ? name : $"{path}.{name}";
}
