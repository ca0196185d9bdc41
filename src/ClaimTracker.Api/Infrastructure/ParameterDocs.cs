using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Every parameter of the contract described, with an example. Query parameters are named as clients write them
/// (snake_case, [FromQuery(Name = ...)]) and route values are bound through <see cref="Param{T}"/>, so their doc
/// comments are found here, by the record property or handler parameter that binds them, in the XML file the build
/// writes beside the assembly. A doc comment's "e.g. X" is its example.
/// </summary>
public static partial class ParameterDocs
{
    private static readonly Lazy<Dictionary<string, string>> Docs = new(Load);

    // Route values every resource shares, described once.
    private static readonly Dictionary<string, (string Description, string Example)> RouteValues = new()
    {
        ["number"] = ("The revision's number, counted from 1, e.g. 2.", "2"),
        ["a"] = ("The earlier revision's number, e.g. 1.", "1"),
        ["b"] = ("The later revision's number, e.g. 2.", "2"),
        ["key"] = ("The property's key, e.g. troop_count.", "troop_count"),
    };

    [GeneratedRegex(@"e\.g\. (?<example>.+?)(?=[.;:]\s|[.;:]?$|,\s| \(| or )")]
    private static partial Regex ExampleText();

    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (string.IsNullOrEmpty(parameter.Description) && Find(parameter, context) is { } description) parameter.Description = description;
            if (parameter.Example is null && parameter.Description is { } text)
            {
                parameter.Example = parameter.Name is "cursor" or "since" ? CursorExample(parameter.Name, context) : Example(text, parameter.Schema);
            }
        }
        return Task.CompletedTask;
    }

    private static string? Find(OpenApiParameter parameter, OpenApiOperationTransformerContext context)
    {
        var bound = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Name == parameter.Name);
        if (parameter.In == ParameterLocation.Path)
        {
            if (RouteValues.TryGetValue(parameter.Name!, out var known)) return known.Description;
            if (parameter.Name == "id")
            {
                var resource = context.Description.RelativePath!.Split('/')[0].TrimEnd('s');
                return $"The {resource}'s id, a whole number, e.g. 1.";
            }
        }
        if (bound?.ModelMetadata is { MetadataKind: ModelMetadataKind.Property, ContainerType: { } container, PropertyName: { } property })
        {
            return Docs.Value.GetValueOrDefault($"{Id(container)}.{property}");
        }
        var method = context.Description.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().FirstOrDefault();
        var info = method?.GetParameters().FirstOrDefault(p =>
            p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name == parameter.Name
            || p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromRouteAttribute>()?.Name == parameter.Name || p.Name == parameter.Name);
        return method is null || info is null ? null : Docs.Value.GetValueOrDefault($"{Id(method.DeclaringType!)}.{method.Name}#{info.Name}");
    }

    /// <summary>A valid cursor of the very list the parameter belongs to: its sort key with default values, encoded.</summary>
    private static JsonNode? CursorExample(string name, OpenApiOperationTransformerContext context)
    {
        var bound = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Name == name);
        var param = bound?.ModelMetadata?.ModelType is { } t ? Nullable.GetUnderlyingType(t) ?? t : null;
        var cursor = param?.GetGenericArguments().FirstOrDefault();
        var position = cursor?.GetGenericArguments().FirstOrDefault();
        if (position is null) return null;
        var constructor = position.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var sample = constructor.Invoke([.. constructor.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : "a")]);
        var encode = cursor!.GetMethod("Encode", BindingFlags.Public | BindingFlags.Static)!;
        return JsonValue.Create((string)encode.Invoke(null, [sample])!);
    }

    /// <summary>The doc's "e.g." value in the parameter's type; for a word list or a flag, its first word or true.</summary>
    private static JsonNode? Example(string text, IOpenApiSchema? schema)
    {
        var given = ExampleText().Match(text) is { Success: true } m ? m.Groups["example"].Value.Trim() : null;
        if (schema?.Type is { } array && array.HasFlag(JsonSchemaType.Array))
        {
            var first = schema.Items?.Enum?.FirstOrDefault()?.DeepClone() ?? (given is null ? null : JsonValue.Create(given));
            return first is null ? null : new JsonArray(first);
        }
        if (schema?.Enum is { Count: > 0 } words) return words[0]?.DeepClone();
        if (schema?.Type is { } flag && flag.HasFlag(JsonSchemaType.Boolean)) return JsonValue.Create(given is "false" ? false : true);
        if (given is null) return null;
        return schema?.Type is { } integer && integer.HasFlag(JsonSchemaType.Integer) && long.TryParse(given, out var n) ? JsonValue.Create(n) : JsonValue.Create(given);
    }

    private static string Id(Type type) => StripArity((type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName!.Replace('+', '.'));

    /// <summary>
    /// Member docs keyed "Type.Property" (a property's summary, or its record's param) and "Type.Method#param".
    /// </summary>
    private static Dictionary<string, string> Load()
    {
        var docs = new Dictionary<string, string>();
        var file = Path.ChangeExtension(typeof(ParameterDocs).Assembly.Location, ".xml");
        if (!File.Exists(file)) return docs;
        foreach (var member in XDocument.Load(file).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value ?? "";
            var kind = name.Length > 2 ? name[..2] : "";
            var id = name.Length > 2 ? name[2..] : "";
            switch (kind)
            {
                case "T:":
                    // A record's primary-constructor params document its properties.
                    foreach (var param in member.Elements("param")) docs[$"{StripArity(id)}.{param.Attribute("name")?.Value}"] = Text(param);
                    break;
                case "P:" when member.Element("summary") is { } summary:
                    docs[StripArity(id)] = Text(summary);
                    break;
                case "M:":
                    var method = StripArity(id.Split('(')[0]);
                    foreach (var param in member.Elements("param")) docs[$"{method}#{param.Attribute("name")?.Value}"] = Text(param);
                    break;
            }
        }
        return docs;
    }

    private static string StripArity(string id) => Regex.Replace(id, "`\\d+", "");

    private static string Text(XElement element) =>
        Regex.Replace(string.Concat(element.Nodes().Select(n => n is XElement e ? e.Attribute("cref")?.Value.Split('.').Last() ?? e.Value : n.ToString())), @"\s+", " ").Trim()
            .Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">");
}
