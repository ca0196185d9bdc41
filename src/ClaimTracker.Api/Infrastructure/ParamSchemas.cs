using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// In the contract a <see cref="Param{T}"/> is what it reads: an integer, a boolean, one of an enum's words, or a
/// text in a stated format (figures, partial dates, cursors), inline where the parameter is.
/// </summary>
public static class ParamSchemas
{
    public static void Configure(OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = type =>
            ParamChecks.IsParam(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddSchemaTransformer(DescribeAsync);
    }

    private static void DescribeValue<T>(OpenApiSchema schema) where T : IQueryValue<T> => T.Describe(schema);

    private static async Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (!ParamChecks.IsParam(type)) return;
        var read = type.GetGenericArguments()[0];
        schema.Properties = null;
        schema.Required = null;
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
        if (read.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IQueryValue<>)))
        {
            schema.Format = null;
            typeof(ParamSchemas).GetMethod(nameof(DescribeValue), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(read).Invoke(null, [schema]);
            return;
        }
        var inner = await context.GetOrCreateSchemaAsync(read, cancellationToken: ct);
        schema.Type = inner.Enum is { Count: > 0 } ? JsonSchemaType.String : inner.Type;
        schema.Format = inner.Format;
        schema.Enum = inner.Enum;
        // The doc comment of Param itself is not the parameter's: the parameter's own comes with the operation.
        schema.Description = null;
    }
}
