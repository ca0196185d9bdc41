using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClaimTracker.Api.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>
/// A revision of a claim: a JSON merge patch over the claim as POST /claims takes it, with the reason for the change.
/// Only the fields sent change; null (or "" for an optional text) clears one. The value is replaced as a whole.
/// </summary>
/// <param name="Changes">The fields to change, as POST /claims names them.</param>
/// <param name="Reason">Why the claim changes; kept in its history.</param>
[JsonConverter(typeof(Converter))]
public sealed record ClaimPatch(JsonObject Changes, string? Reason)
{
    public sealed class Validator : AbstractValidator<ClaimPatch>
    {
        public Validator()
        {
            RuleFor(p => p.Reason).NotEmpty().MaximumLength(2_000).OverridePropertyName("reason");
            RuleFor(p => p.Changes).Must(c => c.Count > 0).OverridePropertyName("$").WithMessage("names no field to change.");
            RuleFor(p => p.Changes).Must(c => !c.ContainsKey("evidence")).OverridePropertyName("evidence")
                .WithMessage("is added with POST /claims/{id}/evidence; a revision does not change it.");
        }
    }

    /// <summary>Reads the body as an object, taking the reason out of it.</summary>
    public sealed class Converter : JsonConverter<ClaimPatch>
    {
        public override ClaimPatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            Distinct(document.RootElement, "$");
            if (JsonNode.Parse(document.RootElement.GetRawText()) is not JsonObject body) throw new JsonException("The body must be a JSON object.");
            JsonTexts.ReadAllText(body);
            string? reason = null;
            if (body.Remove("reason", out var given) && given is not null)
            {
                if (given is not JsonValue value || !value.TryGetValue(out reason)) throw new JsonException("reason must be a string.", "$.reason", null, null);
            }
            // A merge patch's null clears a member; these always have a value, so null would reset them to a default unasked.
            foreach (var key in (string[])["status", "rank", "property", "value"])
            {
                if (body.TryGetPropertyValue(key, out var member) && member is null)
                {
                    throw new JsonException($"{key} cannot be cleared: it always has a value. Send the new one, or leave {key} out to keep it.", $"$.{key}", null, null);
                }
            }
            return new ClaimPatch(body, reason);
        }

        /// <summary>A key given twice in one object is refused with its path: which of the two would count is a guess.</summary>
        private static void Distinct(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var property in element.EnumerateObject())
                    {
                        var at = $"{path}.{property.Name}";
                        if (!seen.Add(property.Name)) throw new JsonException($"The key \"{property.Name}\" appears twice.", at, null, null);
                        Distinct(property.Value, at);
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in element.EnumerateArray()) Distinct(item, $"{path}[{i++}]");
                    break;
            }
        }



        public override void Write(Utf8JsonWriter writer, ClaimPatch value, JsonSerializerOptions options)
        {
            var body = value.Changes.DeepClone().AsObject();
            body["reason"] = value.Reason;
            body.WriteTo(writer, options);
        }
    }

    /// <summary>The contract shows the patch as what it is: the fields of a new claim, all optional, and the reason.</summary>
    public static async Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonTypeInfo.Type != typeof(ClaimPatch)) return;
        var claim = await context.GetOrCreateSchemaAsync(typeof(CreateClaimRequest), cancellationToken: ct);
        schema.Type = JsonSchemaType.Object;
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["reason"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 2_000, Description = "Why the claim changes; kept in its history." },
        };
        foreach (var (name, property) in claim.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (!ClaimInputs.Unpatchable.Contains(name)) schema.Properties[name] = property;
        }
        schema.Required = new HashSet<string> { "reason" };
        schema.AdditionalPropertiesAllowed = false;
    }
}

public static class UpdateClaim
{
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult, ValidationProblem>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, ClaimPatch patch, HttpContext http, NpgsqlDataSource db, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var id = idParam.Value;
        var match = Preconditions.IfMatch(http.Request);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var context = write.Context(ct);
        var (claim, problem) = await ClaimWrites.LockAsync(context, id, match.Version);
        if (problem is not null) return problem;
        var (after, refused) = await ClaimWrites.ReviseAsync(context, claim!, patch.Changes, patch.Reason!.Trim(), json.Value.SerializerOptions);
        switch (refused)
        {
            case ProblemHttpResult unprocessable: return unprocessable;
            case ValidationProblem invalid: return invalid;
        }
        http.Response.Headers.ETag = after!.ETag;
        return await write.CommitAsync(TypedResults.Ok(after), ct);
    }
}
